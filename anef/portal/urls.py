from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("profil/", views.profile, name="profile"),
    path("profil/mes-donnees/", views.data_export, name="data_export"),
    path("notifications/", views.notifications, name="notifications"),
    path("documents/", views.issued_documents, name="issued_documents"),
    path("partage/", views.sharing, name="sharing"),
    path("aidants/", views.helpers, name="helpers"),
    path("rattacher/", views.claim, name="claim"),
    path("rendez-vous/<str:token>/", views.booking, name="booking"),
    path("rendez-vous/reservation/<int:booking_id>/", views.booking_manage, name="booking_manage"),
    path("rendez-vous/reservation/<int:booking_id>/attente/", views.waitlist, name="waitlist"),
    path("rendez-vous/offre/<str:offer_token>/", views.offer, name="offer"),
    path("documents/<str:number>/pdf/", views.issued_document_pdf, name="issued_document_pdf"),
    path("demarches/<slug:code>/commencer/", views.application_start, name="start"),
    path("dossiers/<str:reference>/", views.application_detail, name="application"),
    path("dossiers/<str:reference>/eligibilite/", views.application_eligibility, name="eligibility"),
    path("dossiers/<str:reference>/formulaire/", views.application_form, name="form"),
    path("dossiers/<str:reference>/pieces/", views.application_documents, name="documents"),
    path("dossiers/<str:reference>/profil/", views.application_profile, name="application_profile"),
    path("dossiers/<str:reference>/verification/", views.application_review, name="review"),
    path("dossiers/<str:reference>/corriger/", views.application_reopen, name="reopen"),
    path("dossiers/<str:reference>/retirer/", views.application_withdraw, name="withdraw"),
    path("dossiers/<str:reference>/repondre/", views.application_answer, name="answer"),
    path("dossiers/<str:reference>/relance/", views.application_inquiry, name="inquiry"),
    path("dossiers/<str:reference>/recours/", views.application_appeal, name="appeal"),
    path("pieces/<uuid:document_id>/", views.document_download, name="document"),
    path("dossiers/<str:reference>/messages/", views.application_messages, name="messages"),
    path("messages/pieces/<uuid:attachment_id>/", views.message_attachment, name="attachment"),
]
