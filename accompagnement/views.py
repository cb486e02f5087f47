from django.views.generic import TemplateView


class AnsmView(TemplateView):
    template_name = "accompagnement/ansm.html"
