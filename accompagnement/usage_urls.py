from django.urls import path

from accompagnement import usage_views

app_name = "usage"

urlpatterns = [
    path("services/<slug:slug>/utilisation/", usage_views.declare, name="declare"),
    path("services/<slug:slug>/utilisation/envoyee/", usage_views.sent, name="sent"),
    path("utilisation/confirmer/<str:token>/", usage_views.confirm, name="confirm"),
]
