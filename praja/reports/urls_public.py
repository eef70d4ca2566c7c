"""Public report pages, mounted at /lapor/ (no login): the form, the receipt, following a report, and the
SMS/WhatsApp gateways' webhooks."""

from django.urls import path

from praja.reports import views_public, webhook

app_name = "reports_public"

urlpatterns = [
    path("", views_public.report_form, name="form"),
    path("wilayah/", views_public.where_fragment, name="where"),
    path("terima/", views_public.receipt, name="receipt"),
    path("ikuti/", views_public.follow_start, name="follow_start"),
    path("ikuti/<str:receipt>/", views_public.follow, name="follow"),
    path("webhook/sms/", webhook.sms, name="webhook_sms"),
    path("webhook/whatsapp/", webhook.whatsapp, name="webhook_whatsapp"),
]
