import pytest

from framing import UnknownFrameError, load_codebook


def test_thirteen_frames_in_six_families_fixed_order():
    cb = load_codebook()
    assert len(cb.frame_ids) == 13 and len(cb.families) == 6
    assert cb.frame_ids[0] == "colour_revolution" and cb.frame_ids[-1] == "terrorist_spillover"
    assert cb.frames_in("russian_order") == ["sphere_of_influence", "security_guarantor", "multipolar_order"]
    assert cb.version >= 1 and len(cb.sha256) == 64


def test_unknown_id_names_it_suggests_nearest_and_lists_valid():
    with pytest.raises(UnknownFrameError, match=r"'color_revolution'.*Did you mean 'colour_revolution'.*media_war"):
        load_codebook().frame("color_revolution")


def test_validate_orders_and_dedupes():
    assert load_codebook().validate(["media_war", "colour_revolution", "media_war"]) == [
        "colour_revolution", "media_war"]


def test_family_indicator_takes_max_over_members():
    cb = load_codebook()
    y = cb.to_indicator([["covert_plot"], []])
    fam = cb.family_indicator(y)
    assert fam[0, cb.families.index("western_subversion")] == 1 and fam.sum() == 1
