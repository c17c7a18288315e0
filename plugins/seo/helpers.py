"""What templates call: ``seo.canonical(output_file)``, ``seo.image(article.image)``, JSON-LD blocks."""

from __future__ import annotations

from typing import Any, Mapping

from markupsafe import Markup
from publishing import links
from publishing.jsonld import script_tag

from . import structured
from .settings import SeoSettings, read


# What Facebook, LinkedIn, Mastodon and X show in a card (not SVG).
CARD_FORMATS = (".png", ".jpg", ".jpeg", ".webp", ".gif")


class SeoHelpers:
    """Bound to one build's settings and context (the context fills in as generators run)."""

    def __init__(self, config: SeoSettings, context: Mapping[str, Any]) -> None:
        self.config = config
        self._context = context

    @property
    def default_image(self) -> str:
        return self.config.absolute(self.config.default_image)

    @property
    def default_image_alt(self) -> str:
        return self.config.default_image_alt

    @property
    def card_image(self) -> str:
        return self.config.absolute(self.config.card_image)

    @property
    def card_image_alt(self) -> str:
        return self.config.card_image_alt

    def card(self, value: str | None) -> str:
        """``image(value)`` where social cards can show it (a raster picture), else ""."""
        url = self.image(value)
        path = url.split("?", 1)[0].split("#", 1)[0].lower()
        return url if path.endswith(CARD_FORMATS) else ""

    def url(self, path: str) -> str:
        """Absolute public URL for a site path such as ``article.url``."""
        return self.config.absolute(path)

    def canonical(self, output_file: str) -> str:
        """The public address of the file being written (directory URLs end in /)."""
        path = output_file or ""
        if path == "index.html" or path.endswith("/index.html"):
            path = path[: -len("index.html")]
        return self.config.absolute(path)

    def image(self, value: str | None) -> str:
        """Absolute URL of an Image: metadata value ({static} links resolved), or ""."""
        if not value:
            return ""
        resolved = links.resolve(str(value), "", self._context.get("static_content"),
                                 self._context.get("generated_content"))
        return self.config.absolute(resolved)

    def text(self, value: Any) -> str:
        return structured.plain(value)

    def post_jsonld(self, article: Any) -> Markup:
        image = self.image(getattr(article, "image", None))
        return (script_tag(structured.blog_posting(article, self.config, image))
                + Markup("\n")
                + script_tag(structured.breadcrumbs(structured.post_trail(article, self.config))))

    def home_jsonld(self) -> Markup:
        return script_tag(structured.website(self.config))

    def event_jsonld(self, event: Any) -> Markup:
        return script_tag(structured.breadcrumbs(structured.event_trail(event, self.config)))


def install(generator: Any) -> None:
    """generator_init handler: make ``seo`` available to every template this generator renders."""
    env = getattr(generator, "env", None)
    if env is not None:
        env.globals["seo"] = SeoHelpers(read(generator.settings), generator.context)
