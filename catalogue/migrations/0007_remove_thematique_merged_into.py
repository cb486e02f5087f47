from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0006_remove_thematique_labels")]

    operations = [migrations.RemoveField(model_name="thematique", name="merged_into")]
