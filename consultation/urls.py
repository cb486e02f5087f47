from django.urls import path

from consultation import views

app_name = "consultation"

urlpatterns = [
    path("", views.ConsultationHomeView.as_view(), name="home"),
]
