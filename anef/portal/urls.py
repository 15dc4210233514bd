from django.urls import path

from . import account, applications, appointments, filing, franceconnect, inbox, mandates, recovery, sharing

app_name = "portal"

urlpatterns = [
    path("", account.dashboard, name="dashboard"),
    path("profil/", account.profile, name="profile"),
    path("profil/mes-donnees/", account.data_export, name="data_export"),
    path("notifications/", account.notifications, name="notifications"),
    path("avis/", account.feedback, name="feedback"),
    # FranceConnect (404 unless configured): the callback's address is registered at FranceConnect.
    path("franceconnect/connexion/", franceconnect.login, name="franceconnect_login"),
    path("franceconnect/retour/", franceconnect.callback, name="franceconnect_callback"),
    path("franceconnect/dissocier/", franceconnect.unlink, name="franceconnect_unlink"),
    path("documents/", sharing.issued_documents, name="issued_documents"),
    path("partage/", sharing.sharing, name="sharing"),
    path("aidants/", mandates.helpers, name="helpers"),
    path("rattacher/", account.claim, name="claim"),
    path("acces-perdu/", recovery.recovery, name="recovery"),
    path("acces-perdu/sms/", recovery.recovery_sms, name="recovery_sms"),
    path("acces-perdu/sms/code/", recovery.recovery_sms_code, name="recovery_sms_code"),
    path("acces-perdu/code-papier/", recovery.recovery_paper, name="recovery_paper"),
    path("acces-perdu/fait/", recovery.recovery_done, name="recovery_done"),
    path("rendez-vous/<str:token>/", appointments.booking, name="booking"),
    path("rendez-vous/reservation/<int:booking_id>/", appointments.booking_manage, name="booking_manage"),
    path("rendez-vous/reservation/<int:booking_id>/attente/", appointments.waitlist, name="waitlist"),
    path("rendez-vous/offre/<str:offer_token>/", appointments.offer, name="offer"),
    path("documents/<str:number>/pdf/", sharing.issued_document_pdf, name="issued_document_pdf"),
    path("demarches/<slug:code>/commencer/", filing.application_start, name="start"),
    path("dossiers/<str:reference>/", applications.application_detail, name="application"),
    path("dossiers/<str:reference>/eligibilite/", filing.application_eligibility, name="eligibility"),
    path("dossiers/<str:reference>/formulaire/", filing.application_form, name="form"),
    path("dossiers/<str:reference>/pieces/", filing.application_documents, name="documents"),
    path("dossiers/<str:reference>/profil/", filing.application_profile, name="application_profile"),
    path("dossiers/<str:reference>/verification/", filing.application_review, name="review"),
    path("dossiers/<str:reference>/depose/", filing.application_submitted, name="submitted"),
    path("dossiers/<str:reference>/corriger/", applications.application_reopen, name="reopen"),
    path("dossiers/<str:reference>/retirer/", applications.application_withdraw, name="withdraw"),
    path("dossiers/<str:reference>/repondre/", applications.application_answer, name="answer"),
    path("dossiers/<str:reference>/relance/", applications.application_inquiry, name="inquiry"),
    path("dossiers/<str:reference>/recours/", applications.application_appeal, name="appeal"),
    path("pieces/<uuid:document_id>/", applications.document_download, name="document"),
    path(
        "dossiers/<str:reference>/documents-delivres/<str:number>/",
        applications.issued_document,
        name="application_issued_document",
    ),
    path("dossiers/<str:reference>/messages/", inbox.application_messages, name="messages"),
    path("messages/pieces/<uuid:attachment_id>/", inbox.message_attachment, name="attachment"),
]
