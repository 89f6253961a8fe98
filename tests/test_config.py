"""config.yaml -> Config: defaults, path resolution, and one clear line per problem."""

from pathlib import Path

import pytest

from digest.config import Config, load
from digest.errors import ConfigError
from tests.conftest import ROOT


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_project_config_loads_with_seeds_and_four_themes():
    config = load(ROOT / "config.yaml")
    assert config.sources.folders[0].path == ROOT / "seeds"
    assert config.email.title == "AI in Entertainment Weekly"
    assert [t.slug for t in config.theme_list] == [
        "production-vfx", "advertising-personalization", "business", "labor-ethics"]
    assert config.output == ROOT / "out"


def test_empty_file_gives_defaults(tmp_path):
    assert load(write(tmp_path, "")) == Config().model_copy(
        update={"output": (tmp_path / "out").resolve(), "store": (tmp_path / "digest.sqlite").resolve(),
                "corrections": (tmp_path / "corrections.yaml").resolve()})


def test_relative_paths_resolve_against_config_folder(tmp_path):
    (tmp_path / "articles").mkdir()
    config = load(write(tmp_path, "sources:\n  folders:\n    - path: articles\noutput: build\n"))
    assert config.sources.folders[0].path == tmp_path / "articles"
    assert config.output == tmp_path / "build"


def test_every_problem_is_one_line_naming_its_key(tmp_path):
    path = write(tmp_path, (
        "dedup:\n  story_similarty: 0.3\n"
        "summary:\n  words_per_theme: lots\n"
        "sources:\n  folders:\n    - path: nowhere\n"
        "email:\n  archive_url: http://insecure.example.com\n"
    ))
    with pytest.raises(ConfigError) as caught:
        load(path)
    lines = caught.value.lines
    assert len(lines) == 4
    assert f"{path}: dedup.story_similarty: unknown key (did you mean story_similarity?)" in lines
    assert any(l.startswith(f"{path}: summary.words_per_theme:") and "'lots'" in l for l in lines)
    assert any(l.startswith(f"{path}: sources.folders.0.path: folder not found") for l in lines)
    assert any(l.startswith(f"{path}: email.archive_url: must be an https:// URL") for l in lines)


def test_unknown_top_level_key_lists_known_ones(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load(write(tmp_path, "themez: []\n"))
    assert caught.value.lines == [f"{tmp_path / 'config.yaml'}: themez: unknown key (did you mean themes?)"]


@pytest.mark.parametrize("text, expected", [
    ("sources: [\n", "not valid YAML"),
    ("- just\n- a list\n", "expected a mapping"),
    ("email:\n  from_address: not-an-address\n", "email.from_address: 'not-an-address' is not an email address"),
    ("themes:\n  - phrases: [x]\n", "themes.0.name: required key is missing"),
])
def test_malformed_config_is_named(tmp_path, text, expected):
    with pytest.raises(ConfigError) as caught:
        load(write(tmp_path, text))
    assert expected in str(caught.value)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load(tmp_path / "absent.yaml")


def test_house_style_is_checked_for_contrast_and_safe_fonts(tmp_path):
    path = write(tmp_path, (
        "email:\n  style:\n    font_family: \"Arial; } body { display: none\"\n"
        "    light:\n      link: '#9ab'\n    dark:\n      text: blue\n"
    ))
    with pytest.raises(ConfigError) as caught:
        load(path)
    lines = caught.value.lines
    assert any("email.style.font_family: a font list may hold names" in line for line in lines)
    assert any("email.style.light: too little contrast: link #9ab on background #f3f4f6 is 2.16:1" in line
               for line in lines)
    assert any("email.style.dark.text: 'blue' is not a colour: write #rgb or #rrggbb" in line for line in lines)


def test_email_paths_resolve_and_a_missing_template_folder_is_an_error(tmp_path):
    (tmp_path / "mytemplates").mkdir()
    config = load(write(tmp_path, "email:\n  templates: mytemplates\n  subscribers: list.csv\n"
                                  "  smtp:\n    ca_file: relay.pem\n"))
    assert config.email.templates == tmp_path / "mytemplates"
    assert config.email.subscribers == tmp_path / "list.csv" and config.email.smtp.ca_file == tmp_path / "relay.pem"
    with pytest.raises(ConfigError, match="email.templates: folder not found"):
        load(write(tmp_path, "email:\n  templates: nowhere\n"))


def test_first_issue_must_be_a_week_that_exists(tmp_path):
    with pytest.raises(ConfigError, match="email.first_issue: must be an ISO week that exists"):
        load(write(tmp_path, "email:\n  first_issue: 2025-W53\n"))
    assert load(write(tmp_path, "email:\n  first_issue: 2026-W53\n")).email.first_issue == "2026-W53"


def test_the_fast_yaml_parser_reads_the_shipped_config_as_the_pure_one_and_errors_keep_its_words(tmp_path):
    import yaml

    from digest.config import read_yaml

    shipped = ROOT / "config.yaml"
    assert read_yaml(shipped) == yaml.safe_load(shipped.read_text(encoding="utf-8"))
    broken = tmp_path / "config.yaml"
    broken.write_text("topic:\n  threshold: 0.3\n\tx: 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config.yaml:3: not valid YAML: found character '\\t' that cannot start"):
        read_yaml(broken)


def test_as_json_is_model_dump_for_every_settings_part():
    """The keys of kept work hash ``as_json`` of the settings: it must give what pydantic's
    ``model_dump(mode="json")`` gives, or kept work would silently go stale or be refused."""
    from digest.config import as_json

    config = load(ROOT / "config.yaml")
    parts = [getattr(config, name) for name in Config.model_fields]
    parts.append(config.consensus.model_copy(update={"paraphrase_model": Path("/models/wordllama")}))
    for part in parts:
        if hasattr(part, "model_dump"):
            assert as_json(part) == part.model_dump(mode="json"), part
    assert as_json(parts[-1])["paraphrase_model"] == "/models/wordllama"
