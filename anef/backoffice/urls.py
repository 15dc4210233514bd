from django.urls import path

from . import accounts, incidents, letters, mandates, security, structures, views

app_name = "backoffice"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("supervision/", views.supervision, name="supervision"),
    path("journal/", views.reads, name="reads"),
    path("envois/", views.failures, name="failures"),
    path("structures/", structures.structure_list, name="structures"),
    path("structures/nouvelle/", structures.structure_new, name="structure_new"),
    path("structures/<int:structure_id>/", structures.structure_detail, name="structure"),
    path("structures/<int:structure_id>/aidants/", structures.structure_helper_add, name="structure_helper_add"),
    path(
        "structures/<int:structure_id>/aidants/<int:helper_id>/desactiver/",
        structures.structure_helper_deactivate,
        name="structure_helper_deactivate",
    ),
    path(
        "structures/<int:structure_id>/aidants/<int:helper_id>/reactiver/",
        structures.structure_helper_reactivate,
        name="structure_helper_reactivate",
    ),
    path("comptes/", accounts.account_list, name="accounts"),
    path("comptes/<int:account_id>/desactiver/", accounts.account_deactivate, name="account_deactivate"),
    path("comptes/<int:account_id>/reactiver/", accounts.account_reactivate, name="account_reactivate"),
    path("securite/", security.security_event_list, name="security_events"),
    path("incidents/", incidents.incident_list, name="incidents"),
    path("incidents/<int:incident_id>/cloture/", incidents.incident_close_view, name="incident_close"),
    path("courrier/", letters.letters, name="letters"),
    path("courrier/<str:run>/", letters.print_run, name="print_run"),
    path("courrier/<str:run>/annuler/", letters.print_run_cancel_view, name="print_run_cancel"),
    path("courrier/<str:run>/pdf/", letters.print_run_pdf, name="print_run_pdf"),
    path("rendez-vous/", views.counter_day, name="counter_day"),
    path("guichet/nouveau/", views.counter_register, name="counter_register"),
    path("dossiers/<str:reference>/documents-delivres/<str:number>/", views.issued_document, name="issued_document"),
    path("rendez-vous/capacite/", views.capacity, name="capacity"),
    path("dossiers/<str:reference>/", views.case, name="case"),
    path("dossiers/<str:reference>/pieces/<uuid:document_id>/", views.document, name="document"),
    path("dossiers/<str:reference>/pieces/<uuid:document_id>/verdict/", views.verdict, name="verdict"),
    path("dossiers/<str:reference>/messages/", views.case_messages, name="messages"),
    path("dossiers/<str:reference>/messages/pieces/<uuid:attachment_id>/", views.message_attachment, name="attachment"),
    path("dossiers/<str:reference>/mandat/", mandates.counter_mandate, name="counter_mandate"),
    path("dossiers/<str:reference>/<slug:action>/", views.act, name="act"),
]
