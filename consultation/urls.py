from django.urls import path

from consultation import views

app_name = "consultation"

urlpatterns = [
    path("", views.consultation_home, name="home"),
    path("enjeux/<slug:slug>/", views.enjeu_detail, name="enjeu_detail"),
    path("contributions/", views.contribution_list, name="contribution_list"),
    path("contributions.csv", views.contribution_csv, name="contribution_csv"),
    path("contributions.json", views.contribution_json, name="contribution_json"),
    path("contributions/<int:pk>/", views.contribution_detail, name="contribution_detail"),
    path("investigations/", views.investigation_list, name="investigation_list"),
]
