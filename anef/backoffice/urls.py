from django.urls import path

from . import views

app_name = "backoffice"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("supervision/", views.supervision, name="supervision"),
    path("journal/", views.reads, name="reads"),
    path("envois/", views.failures, name="failures"),
    path("rendez-vous/", views.counter_day, name="counter_day"),
    path("guichet/nouveau/", views.counter_register, name="counter_register"),
    path("dossiers/<str:reference>/documents-delivres/<str:number>/", views.issued_document, name="issued_document"),
    path("rendez-vous/capacite/", views.capacity, name="capacity"),
    path("dossiers/<str:reference>/", views.case, name="case"),
    path("dossiers/<str:reference>/pieces/<uuid:document_id>/", views.document, name="document"),
    path("dossiers/<str:reference>/pieces/<uuid:document_id>/verdict/", views.verdict, name="verdict"),
    path("dossiers/<str:reference>/messages/", views.case_messages, name="messages"),
    path("dossiers/<str:reference>/messages/pieces/<uuid:attachment_id>/", views.message_attachment, name="attachment"),
    path("dossiers/<str:reference>/<slug:action>/", views.act, name="act"),
]
