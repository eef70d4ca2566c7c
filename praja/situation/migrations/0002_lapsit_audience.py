# An issued lapsit is archived per audience (issue 14 item 1) and signed by the configured leadership (issue 13).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("situation", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="lapsit", name="situation_lapsit_once"),
        migrations.AddField(model_name="lapsit", name="audience",
                            field=models.CharField(default="pimpinan", max_length=80, verbose_name="pembaca")),
        migrations.AddField(model_name="lapsit", name="audience_label",
                            field=models.CharField(blank=True, max_length=200, verbose_name="nama pembaca")),
        migrations.AddField(model_name="lapsit", name="report_ids",
                            field=models.JSONField(blank=True, default=list, verbose_name="laporan yang dimuat")),
        migrations.AddField(model_name="lapsit", name="signed_name",
                            field=models.CharField(blank=True, max_length=160, verbose_name="nama penanda tangan")),
        migrations.AddField(model_name="lapsit", name="signed_rank",
                            field=models.CharField(blank=True, max_length=80, verbose_name="pangkat penanda tangan")),
        migrations.AddField(model_name="lapsit", name="signed_position",
                            field=models.CharField(blank=True, max_length=160,
                                                   verbose_name="jabatan penanda tangan")),
        migrations.AddField(model_name="lapsit", name="audit_head",
                            field=models.CharField(blank=True, max_length=128, verbose_name="kepala rantai audit")),
        migrations.AddConstraint(
            model_name="lapsit",
            constraint=models.UniqueConstraint(fields=("region", "day", "number", "audience"),
                                               name="situation_lapsit_once_per_audience"),
        ),
    ]
