import pytest

pytestmark = pytest.mark.usefixtures("territories")


def test_staff_read_territories_but_cannot_change_them(admin_client):
    changelist = admin_client.get("/admin/territoires/commune/", {"q": "Ouessant"})
    change = admin_client.get("/admin/territoires/commune/29155/change/")
    add = admin_client.get("/admin/territoires/commune/add/")
    post = admin_client.post("/admin/territoires/commune/29155/change/", {"nom": "Autre"})

    assert changelist.status_code == 200
    assert "Ouessant" in changelist.content.decode()
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert add.status_code == 403
    assert post.status_code == 403
