from django.views.generic import ListView

from consultation.models import Contribution, Enjeu


class ConsultationHomeView(ListView):
    model = Enjeu
    template_name = "consultation/consultation_home.html"
    context_object_name = "enjeux"

    def get_context_data(self, **kwargs):
        return super().get_context_data(contributions_count=Contribution.objects.count(), **kwargs)
