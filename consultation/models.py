"""The 2021 national consultation: its grands enjeux and the contributions imported from Decidim."""

from django.db import models


class Enjeu(models.Model):
    number = models.PositiveSmallIntegerField("numéro", unique=True)
    slug = models.SlugField("identifiant d'URL", max_length=80, unique=True)
    source_id = models.CharField("identifiant dans la source", max_length=20, unique=True)
    title = models.CharField("titre", max_length=200)
    description = models.TextField("description", blank=True)

    class Meta:
        verbose_name = "grand enjeu"
        verbose_name_plural = "grands enjeux"
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Contribution(models.Model):
    """A proposal of the Decidim platform; its identity is the instance's host and the proposal's id."""

    decidim_host = models.CharField("instance Decidim", max_length=253)
    decidim_id = models.PositiveBigIntegerField("identifiant Decidim")
    title = models.CharField("titre", max_length=500)
    body = models.TextField("texte (HTML nettoyé)", blank=True)
    enjeu = models.ForeignKey(
        Enjeu,
        verbose_name="grand enjeu",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
    )
    published_at = models.DateTimeField("publiée le", null=True, blank=True)

    class Meta:
        verbose_name = "contribution"
        verbose_name_plural = "contributions"
        ordering = ["-published_at", "decidim_id"]
        constraints = [
            models.UniqueConstraint(fields=["decidim_host", "decidim_id"], name="contribution_unique_decidim_identity")
        ]

    def __str__(self):
        return self.title
