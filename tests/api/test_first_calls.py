from app.auth.roles import Role


def test_openapi_description_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json["openapi"].startswith("3.1")
    assert "/api/v1/items/{tag}" in response.json["paths"]


def test_item_read(api_as, make_user, make_item):
    user = make_user(Role.STAFF)
    item = make_item(name="Office chair")
    api = api_as(user)
    response = api.get(f"/api/v1/items/{item.tag.lower()}")
    assert response.status_code == 200, response.json
    assert response.json["name"] == "Office chair"
    listed = api.get("/api/v1/items?q=chair")
    assert listed.status_code == 200, listed.json
    assert [row["tag"] for row in listed.json["items"]] == [item.tag]
