from django.urls import path

from catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.service_list, name="service_list"),
    path("<slug:slug>/", views.service_detail, name="service_detail"),
    path("<slug:slug>/publiccode.yml", views.service_publiccode, name="service_publiccode"),
]
