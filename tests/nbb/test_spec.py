"""What the NBB spec says about its bodies matches what the server sends."""

import io
import zipfile
from pathlib import Path

import yaml

from tests.nbb.conftest import key

SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "specs" / "nbb-cbso.yaml").read_text())


def zip_media(spec: dict) -> dict[str, dict]:
    found = {}
    for name, response in spec["components"]["responses"].items():
        for media_type, media in response.get("content", {}).items():
            if "zip" in media_type:
                found[f"{name} {media_type}"] = media
    return found


def test_zip_bodies_are_binary_whatever_the_suffix_of_their_media_type():
    media = zip_media(SPEC)
    assert sorted(media) == [
        "ImprovedZipAccountingData application/x.zip+jsonxbrl",
        "ImprovedZipReferences application/x.zip+json",
        "ZipAccountingData application/x.zip+jsonxbrl",
        "ZipAccountingData application/x.zip+pdf",
        "ZipAccountingData application/x.zip+xbrl",
        "ZipReferences application/x.zip+json",
    ]
    # a schema would make JSON tools parse the zip by its +json suffix
    assert all("schema" not in item for item in media.values())


def test_a_zip_body_is_served_with_the_service_media_type_and_opens(nbb):
    r = nbb.get(
        "/nbb/extracts/batch/2025-06-24/references",
        headers={**key("extracts"), "Accept": "application/x.zip+json"},
    )
    assert r.status_code == 200 and r.headers["content-type"] == "application/x.zip+json"
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert names and all(name.endswith(".json") for name in names)
