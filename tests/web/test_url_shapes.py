"""The templates' url_for (web/url_shapes.py) gives exactly what Flask's gives, for every route
of the application, under a script root too, and leaves to Flask what it cannot keep."""

from __future__ import annotations

import pytest
from werkzeug.routing import BuildError, IntegerConverter

from vendorcheck.web import url_shapes

IDS = (0, 7, 123456, 2**40)


def _int_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        converters = rule._converters  # the rule's variables and their converters
        if all(isinstance(converter, IntegerConverter) for converter in converters.values()):
            yield rule.endpoint, sorted(rule.arguments)


def test_templates_use_it(app):
    assert app.jinja_env.globals["url_for"].__self__.__class__ is url_shapes.UrlShapes


@pytest.mark.parametrize("script_root", ["", "/vendorcheck"])
def test_every_route_of_integers_is_built_as_flask_builds_it(app, script_root):
    shapes = url_shapes.UrlShapes(app)
    routes = list(_int_routes(app))
    assert len(routes) > 40  # the cases, answers, registers, contracts… of the application
    with app.test_request_context("/", base_url=f"http://localhost{script_root}/"):
        for endpoint, names in routes:
            for number in IDS:
                values = {name: number + index for index, name in enumerate(names)}
                for extra in ({}, {"page": number}, {"_anchor": "decide"}):
                    expected = app.url_for(endpoint, **values, **extra)
                    assert shapes.url_for(endpoint, **values, **extra) == expected
                    assert expected.startswith(script_root + "/")
    assert len(shapes._shapes) >= len(routes)  # kept, not rebuilt each time


def test_what_it_cannot_keep_is_left_to_flask(app):
    shapes = url_shapes.UrlShapes(app)
    with app.test_request_context("/"):
        odd = [
            ("cases.index", {"status": "submitted"}),  # a text value
            ("cases.index", {"q": "<script>&\"'"}),  # hostile text
            ("cases.detail", {"case_id": True}),  # a bool is not an id
            ("cases.detail", {"case_id": -3}),
            ("cases.detail", {"case_id": 5, "_anchor": 'x" onclick="y'}),  # quoted by Flask
            ("cases.detail", {"case_id": 5, "_external": True}),
            ("cases.index", {}),
        ]
        for endpoint, values in odd:
            assert shapes.url_for(endpoint, **values) == app.url_for(endpoint, **values)
        with pytest.raises(BuildError):
            shapes.url_for("no.such_endpoint", case_id=1)
        with pytest.raises(BuildError):
            shapes.url_for("cases.detail")  # its id left out
    app.config["SERVER_NAME"] = "vendorcheck.example.jp"
    try:
        with app.app_context():  # outside a request: Flask's rules (external URLs)
            url = shapes.url_for("cases.detail", case_id=3)
            assert url == app.url_for("cases.detail", case_id=3)
            assert url.startswith("http://vendorcheck.example.jp/")
    finally:
        app.config["SERVER_NAME"] = None


def test_blueprints_that_add_url_defaults_keep_them(app):
    blueprints = {name for name, functions in app.url_default_functions.items() if functions}
    assert blueprints  # the portals add the vendor's token to their URLs
    shapes = url_shapes.UrlShapes(app)
    endpoint = next(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.rpartition(".")[0] in blueprints
    )
    assert shapes._adds_defaults(endpoint)
    assert not shapes._adds_defaults("cases.detail")


def test_the_kept_shapes_are_bounded(app, monkeypatch):
    monkeypatch.setattr(url_shapes, "MAX_SHAPES", 3)
    shapes = url_shapes.UrlShapes(app)
    with app.test_request_context("/"):
        for page in range(10):
            values = {f"extra{index}": 1 for index in range(page)}
            assert shapes.url_for("cases.detail", case_id=page, **values) == app.url_for(
                "cases.detail", case_id=page, **values
            )
    assert len(shapes._shapes) == 3
