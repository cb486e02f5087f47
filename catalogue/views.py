from django.views.generic import DetailView, ListView

from catalogue.models import Service


class ServiceListView(ListView):
    template_name = "catalogue/service_list.html"
    context_object_name = "services"
    paginate_by = 20

    def get_queryset(self):
        return Service.objects.published().select_related("porteur").prefetch_related("themes")


class ServiceDetailView(DetailView):
    template_name = "catalogue/service_detail.html"
    context_object_name = "service"

    def get_queryset(self):
        return Service.objects.published().select_related("porteur").prefetch_related("themes", "enjeux")
