from django.urls import path

from accompagnement import views

app_name = "accompagnement"

urlpatterns = [
    path("", views.AnsmView.as_view(), name="ansm"),
]
