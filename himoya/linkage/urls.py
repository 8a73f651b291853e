from django.urls import path

from himoya.linkage import views

urlpatterns = [
    path("", views.queue, name="linkage_queue"),
    path("pair/<int:first>/<int:second>/", views.pair, name="linkage_pair"),
]
