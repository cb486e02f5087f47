from django.urls import path

from catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.ServiceListView.as_view(), name="service_list"),
    path("<slug:slug>/", views.ServiceDetailView.as_view(), name="service_detail"),
]
