"""Map data: outlines and TPS points, bounded by the person's scope, compact and cached."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from praja.base.scope import Scope
from praja.situation import mapdata
from praja.situation.tests.conftest import World, client_for, person
from praja.territory.models import TPS, Region

pytestmark = pytest.mark.django_db

BOUNDARIES = reverse("api:map_boundaries")
POINTS = reverse("api:map_tps")


def get_json(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def codes(collection: dict[str, Any], level: int) -> list[str]:
    return sorted(f["properties"]["code"] for f in collection["features"] if f["properties"]["level"] == level)


def test_polsek_map_holds_only_its_kecamatan(polsek: Client) -> None:
    b = get_json(polsek, BOUNDARIES)
    assert codes(b, 3) == ["35.07.01"]
    assert codes(b, 4) == ["35.07.01.2001", "35.07.01.2002"]
    t = get_json(polsek, POINTS)
    assert [r[0] for r in t["rows"]] == ["35.07.01.2001/001", "35.07.01.2001/002", "35.07.01.2002/001"]
    assert t["unlocated"] == 1  # 35.07.01.2001/003 has no coordinates
    assert set(t["desa"]) == {"35.07.01.2001", "35.07.01.2002"}
    assert t["kecamatan"] == {"35.07.01": "Donomulyo"}


def test_polres_map_holds_the_whole_regency_and_nothing_beyond(polres_ops: Client) -> None:
    b = get_json(polres_ops, BOUNDARIES)
    assert codes(b, 3) == ["35.07.01", "35.07.02"]
    assert codes(b, 4) == ["35.07.01.2001", "35.07.01.2002", "35.07.02.2001"]
    t = get_json(polres_ops, POINTS)
    assert len(t["rows"]) == 5 and t["unlocated"] == 1
    assert not any(r[0].startswith("35.73") for r in t["rows"])


def test_a_kecamatan_without_outline_is_a_point_at_its_centroid(polres_ops: Client) -> None:
    b = get_json(polres_ops, BOUNDARIES)
    kalipare = next(f for f in b["features"] if f["id"] == "35.07.02")
    assert kalipare["geometry"] == {"type": "Point", "coordinates": [112.52, -8.2]}
    assert kalipare["properties"]["name"] == "Kalipare"


def test_outlines_are_simplified(world: World) -> None:
    original = world.regions["35.07.01.2001"].boundary
    assert original is not None and len(original["coordinates"][0]) == 81
    b = mapdata.boundaries(Scope.of(["35.07.01"]))
    tulungrejo = next(f for f in b["features"] if f["id"] == "35.07.01.2001")
    # A square drawn with 80 points comes back with its 4 corners (and the closing point).
    assert tulungrejo["geometry"]["type"] == "Polygon"
    assert len(tulungrejo["geometry"]["coordinates"][0]) == 5


def bounds(feature: dict[str, Any]) -> tuple[float, ...]:
    from shapely.geometry import shape

    return tuple(round(v, 4) for v in shape(feature["geometry"]).bounds)


def test_a_kecamatan_is_drawn_as_the_union_of_its_desa(world: World) -> None:
    b = mapdata.boundaries(Scope.of(["35.07.01"]))
    donomulyo = next(f for f in b["features"] if f["id"] == "35.07.01")
    # Its two desa squares share an edge: one rectangle, the same extent as theirs, not its own outline.
    assert donomulyo["properties"]["outline"] == "desa"
    assert donomulyo["geometry"]["type"] == "Polygon"
    assert len(donomulyo["geometry"]["coordinates"]) == 1  # no hole along the shared edge
    assert bounds(donomulyo) == (112.4, -8.32, 112.44, -8.3)


def test_a_kecamatan_with_a_desa_lacking_an_outline_keeps_its_own(world: World) -> None:
    b = mapdata.boundaries(Scope.of(["35.73"]))
    kedungkandang = next(f for f in b["features"] if f["id"] == "35.73.01")
    assert "outline" not in kedungkandang["properties"]
    assert bounds(kedungkandang) == (112.63, -8.03, 112.69, -7.97)


def test_tps_rows_carry_voters_address_and_generated_flags(polres_ops: Client) -> None:
    t = get_json(polres_ops, POINTS)
    assert t["fields"] == ["code", "lat", "lng", "voters", "address", "generated"]
    rows = {r[0]: r for r in t["rows"]}
    assert rows["35.07.01.2001/001"][3:] == [250, "Balai desa Tulungrejo no. 1", 3]
    assert rows["35.07.02.2001/001"][5] == mapdata.GENERATED_VOTERS
    assert rows["35.07.01.2001/002"][5] == 0


def test_map_data_needs_a_signed_in_person(world: World) -> None:
    assert Client().get(POINTS).status_code == 401
    assert Client().get(BOUNDARIES).status_code == 401


def test_a_person_without_roles_gets_nothing(world: World) -> None:
    c = client_for(person("baru", world.agencies["polres-malang"], []))
    assert c.get(POINTS).status_code == 403


def test_payload_is_gzipped_and_revalidated_by_etag(polres_ops: Client) -> None:
    response = polres_ops.get(POINTS, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert response["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(response.content))["rows"]) == 5
    again = polres_ops.get(POINTS, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_an_edited_tps_shows_at_once_despite_the_cache(polres_ops: Client) -> None:
    get_json(polres_ops, POINTS)
    tps = TPS.objects.get(code="35.07.01.2001/002")
    tps.voters = 333
    tps.save()
    rows = {r[0]: r for r in get_json(polres_ops, POINTS)["rows"]}
    assert rows["35.07.01.2001/002"][3] == 333


def test_a_saved_outline_empties_the_outline_cache(polres_ops: Client) -> None:
    get_json(polres_ops, BOUNDARIES)
    kalipare = Region.objects.get(code="35.07.02")
    kalipare.boundary = {"type": "Polygon", "coordinates": [[[112.5, -8.2], [112.6, -8.2], [112.6, -8.1],
                                                              [112.5, -8.2]]]}
    kalipare.save()
    b = get_json(polres_ops, BOUNDARIES)
    assert next(f for f in b["features"] if f["id"] == "35.07.02")["geometry"]["type"] == "Polygon"


def test_a_national_map_follows_the_regency_of_the_active_region(national: Client) -> None:
    assert len(get_json(national, POINTS)["rows"]) == 6
    national.post(reverse("situation:pick_region"), {"kabupaten": "35.73"})
    t = get_json(national, POINTS)
    assert [r[0] for r in t["rows"]] == ["35.73.01.1001/001"]


def test_map_page_carries_its_config_and_the_counts_element(polres_ops: Client) -> None:
    html = polres_ops.get(reverse("situation:map")).content.decode()
    assert 'id="map-counts"' in html and 'data-tps=""' in html
    assert 'id="map-config"' in html
    assert BOUNDARIES in html and POINTS in html
    for asset in ["vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "leaflet.markercluster.js",
                  "MarkerCluster.css", "MarkerCluster.Default.css", "praja/map.js"]:
        assert asset in html
    config = json.loads(html.split('id="map-config" type="application/json">')[1].split("</script>")[0])
    assert config["text"]["loadingTps"] == "Memuat TPS… {done}/{total}"
    assert config["tileUrl"] == ""


def test_map_page_focuses_the_active_region(polres_ops: Client) -> None:
    polres_ops.post(reverse("situation:pick_region"), {"kecamatan": "35.07.01"})
    html = polres_ops.get(reverse("situation:map")).content.decode()
    config = json.loads(html.split('id="map-config" type="application/json">')[1].split("</script>")[0])
    assert config["focus"]["code"] == "35.07.01"
    assert config["tpsPageUrl"] == "/wilayah/tps/{desa}/{number}/"


def test_leaflet_assets_are_served(polres_ops: Client) -> None:
    for path in ["vendor/leaflet/leaflet.js", "vendor/leaflet-markercluster/leaflet.markercluster.js",
                 "vendor/leaflet-markercluster/MarkerCluster.Default.css", "praja/map.js"]:
        response = polres_ops.get("/static/" + path)
        assert response.status_code == 200, path


def test_warming_draws_every_persons_outlines_before_their_first_visit(
    polres_ops: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert mapdata.warm_map_cache() >= 1
    drawn: list[Scope] = []
    real = mapdata.boundaries
    def spy(scope: Scope) -> Any:
        drawn.append(scope)
        return real(scope)

    monkeypatch.setattr(mapdata, "boundaries", spy)
    b = get_json(polres_ops, BOUNDARIES)
    assert drawn == []  # served from what warming drew, no union of desa outlines on the first visit
    assert "35.07.01" in codes(b, 3)
