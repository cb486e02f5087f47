from django.urls import path

from accompagnement import views

app_name = "accompagnement"

urlpatterns = [
    path("", views.ansm, name="ansm"),
    path("demande/", views.request_form, name="request_form"),
    path("demande/envoyee/", views.confirmation, name="confirmation"),
    path("demande/lien/", views.resend_link, name="resend_link"),
    path("suivi/", views.recover_link, name="recover_link"),
    path("suivi/<str:token>/", views.follow_up, name="follow_up"),
    path("suivi/<str:token>/recommandations/<int:pk>/", views.answer_recommendation, name="answer_recommendation"),
]
