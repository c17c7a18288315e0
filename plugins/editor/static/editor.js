/* The site's additions to Decap CMS (loaded after decap-cms.js, on /admin/ only):
 * - the "pelican" format: Pelican's `Key: value` header, a blank line, then the Markdown body;
 * - "required-*" widgets that refuse an empty value with the words `make check` uses
 *   (config.yml gives each required field its message as `problem`);
 * - "when" (a date, a time, or a date alone for all day) and "location" (text or a place);
 * - file names made from the title as Pelican makes slugs, and empty fields left out;
 * - previews styled with the site's own stylesheet. */
(function () {
  "use strict";
  var CMS = window.CMS;
  var h = window.h;
  var createClass = window.createClass;
  var script = document.currentScript;

  /* The longest slug the check accepts (the page gives it, from content_checks/rules.py). */
  var SLUG_MAX = Number(script && script.getAttribute("data-slug-max-length")) || 100;
  /* The heaviest picture the check accepts (the page gives it: CONTENT_IMAGE_MAX_BYTES). */
  var IMAGE_MAX = Number(script && script.getAttribute("data-image-max-bytes")) || 0;

  /* Pelican's slugify with its default SLUG_REGEX_SUBSTITUTIONS: ASCII only, lowercase, drop
   * anything but letters, digits, "_", "-" and spaces, then runs of "-" and spaces become "-".
   * A long title keeps its words up to the check's limit, less `room` for what goes before. */
  function slugify(text, room) {
    var slug = String(text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[^\x00-\x7f]/g, "").replace(/[^\w\s-]/g, "").trim()
      .replace(/[-\s]+/g, "-").toLowerCase();
    var longest = SLUG_MAX - (room || 0);
    if (slug.length > longest) {
      var cut = slug.slice(0, longest + 1);
      slug = (cut.indexOf("-") >= 0 ? cut.slice(0, cut.lastIndexOf("-")) : cut)
        .slice(0, longest).replace(/^-+|-+$/g, "");
    }
    return slug;
  }

  function isEmpty(value) {
    if (value === null || value === undefined) return true;
    if (typeof value === "string") return value.trim() === "";
    if (typeof value.size === "number") return value.size === 0;
    if (Array.isArray(value)) return value.length === 0;
    if (typeof value === "object") return Object.keys(value).length === 0;
    return false;
  }

  /* The Pelican header format. Tags and Authors are comma-separated lists. */
  var LISTS = { tags: true, authors: true };
  var HEADER_LINE = /^([A-Za-z][\w-]*)[ \t]*:[ \t]?(.*)$/;

  function splitList(text) {
    return text.split(",").map(function (part) { return part.trim(); })
      .filter(function (part) { return part; });
  }

  function headerKey(name) {
    return name.charAt(0).toUpperCase() + name.slice(1);
  }

  function headerValue(value) {
    if (Array.isArray(value)) value = value.join(", ");
    return String(value).replace(/\s+/g, " ").trim();
  }

  var pelicanFormat = {
    fromFile: function (text) {
      var lines = String(text || "").replace(/^\ufeff/, "").split(/\r?\n/);
      var data = {};
      var i = 0;
      for (; i < lines.length && lines[i].trim(); i++) {
        var match = HEADER_LINE.exec(lines[i]);
        if (!match) continue;
        var key = match[1].toLowerCase();
        data[key] = LISTS[key] ? splitList(match[2]) : match[2].trim();
      }
      data.body = lines.slice(i + 1).join("\n");
      return data;
    },
    toFile: function (data, sortedKeys) {
      var keys = (sortedKeys || []).slice();
      Object.keys(data).forEach(function (key) {
        if (keys.indexOf(key) < 0) keys.push(key);
      });
      var header = [];
      keys.forEach(function (key) {
        if (key === "body" || isEmpty(data[key])) return;
        header.push(headerKey(key) + ": " + headerValue(data[key]));
      });
      var body = String(data.body || "").replace(/^\s*\n/, "").replace(/\s*$/, "");
      return header.join("\n") + "\n\n" + (body ? body + "\n" : "");
    }
  };
  CMS.registerCustomFormat("pelican", "md", pelicanFormat);

  /* Decap's own "X is required." would stand beside the check's words: it is left empty, and an
   * error without words is not listed (the required-* widget below says what is wrong). */
  function merged(target, source) {
    Object.keys(source).forEach(function (key) {
      var value = source[key];
      target[key] = value && typeof value === "object" ? merged(Object.assign({}, target[key]), value) : value;
    });
    return target;
  }
  CMS.registerLocale("en", merged(Object.assign({}, CMS.getLocale("en")),
    { editor: { editorControlPane: { widget: { required: "" } } } }));

  /* A widget's control that refuses a value when `problem(value, entry, field)` gives words
   * (as an error of Decap's `type`), and otherwise asks the widget itself. */
  function refusing(base, type, problem) {
    return createClass({
      isValid: function () {
        var entry = this.props.getEntry ? this.props.getEntry() : this.props.entry;
        var message = problem(this.props.value, entry, this.props.field);
        if (message) return { error: { type: type, message: message } };
        var inner = this.inner;
        return inner && typeof inner.isValid === "function" ? inner.isValid() : true;
      },
      remember: function (control) { this.inner = control; },
      render: function () {
        return h(base.control, Object.assign({}, this.props, { ref: this.remember }));
      }
    });
  }

  /* required-<widget>: the widget itself, refusing an empty value with the field's `problem`. */
  function requiring(name) {
    var base = CMS.getWidget(name);
    if (!base) return;
    var empty = function (value, entry, field) {
      return isEmpty(value) ? field.get("problem") : null;
    };
    CMS.registerWidget("required-" + name, refusing(base, "PRESENCE", empty), base.preview);
  }

  /* Rules that look at other fields of the entry, which Decap's own checks cannot. slug: left
   * empty in a new entry whose title gives none, the preSave below would name the file ".md" or
   * "<date>-.yaml". image-alt: the check refuses a picture without its description. */
  var string = CMS.getWidget("string");
  CMS.registerWidget("slug", refusing(string, "CUSTOM", function (value, entry, field) {
    return entry && isEmpty(value) && entry.get("newRecord")
      && !slugify(entry.getIn(["data", "title"])) ? field.get("untitled_problem") : null;
  }), string.preview);
  CMS.registerWidget("image-alt", refusing(string, "CUSTOM", function (value, entry, field) {
    return entry && isEmpty(value) && !isEmpty(entry.getIn(["data", "image"]))
      ? field.get("without_problem") : null;
  }), string.preview);

  /* when: an event's start or end, "YYYY-MM-DD HH:MM" or, all day, "YYYY-MM-DD". */
  var WHEN = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}))?/;

  function whenParts(value) {
    var match = WHEN.exec(String(value || ""));
    return match ? { date: match[1], time: match[2] || "" } : { date: "", time: "" };
  }

  var WhenControl = createClass({
    getInitialState: function () {
      var parts = whenParts(this.props.value);
      return { allDay: Boolean(parts.date) && !parts.time, time: parts.time };
    },
    emit: function (date, time, allDay) {
      this.props.onChange(!date ? "" : (allDay || !time ? date : date + " " + time));
    },
    onDate: function (event) {
      this.emit(event.target.value, this.state.time, this.state.allDay);
    },
    onTime: function (event) {
      this.setState({ time: event.target.value });
      this.emit(whenParts(this.props.value).date, event.target.value, this.state.allDay);
    },
    onAllDay: function (event) {
      var allDay = event.target.checked;
      this.setState({ allDay: allDay });
      this.emit(whenParts(this.props.value).date, this.state.time, allDay);
    },
    render: function () {
      var id = this.props.forID;
      var parts = whenParts(this.props.value);
      var children = [
        h("input", { key: "date", id: id, type: "date", value: parts.date, onChange: this.onDate,
                     className: this.props.classNameWidget, onFocus: this.props.setActiveStyle,
                     onBlur: this.props.setInactiveStyle })
      ];
      if (!this.state.allDay) {
        children.push(h("label", { key: "time-label", htmlFor: id + "-time" }, "Time "));
        children.push(h("input", { key: "time", id: id + "-time", type: "time",
                                   value: this.state.time, onChange: this.onTime,
                                   className: this.props.classNameWidget }));
      }
      children.push(h("label", { key: "all-day" },
        h("input", { type: "checkbox", checked: this.state.allDay, onChange: this.onAllDay }),
        " All day"));
      return h("div", { className: this.props.classNameWrapper }, children);
    }
  });

  /* location: text ("Online", "Manchester") or a place {name, address, lat, lon}. */
  var PLACE_FIELDS = [["name", "Name", "text"], ["address", "Address", "text"],
                      ["lat", "Latitude", "number"], ["lon", "Longitude", "number"]];

  function plain(value) {
    return value && typeof value.toJS === "function" ? value.toJS() : value;
  }

  var LocationControl = createClass({
    getInitialState: function () {
      var value = plain(this.props.value);
      return { place: Boolean(value) && typeof value === "object" };
    },
    setKind: function (event) {
      var place = event.target.value === "place";
      var value = plain(this.props.value);
      this.setState({ place: place });
      if (place && typeof value === "string") this.props.onChange(value ? { name: value } : {});
      if (!place && value && typeof value === "object") this.props.onChange(value.name || "");
    },
    onText: function (event) { this.props.onChange(event.target.value); },
    onPart: function (key, type, event) {
      var value = Object.assign({}, plain(this.props.value) || {});
      var text = event.target.value;
      if (type === "number") {
        var number = parseFloat(text);
        if (text.trim() && isFinite(number)) value[key] = number; else delete value[key];
      } else if (text.trim()) {
        value[key] = text;
      } else {
        delete value[key];
      }
      this.props.onChange(value);
    },
    render: function () {
      var id = this.props.forID;
      var self = this;
      var value = plain(this.props.value);
      var kinds = h("fieldset", { key: "kind" },
        h("legend", null, "Kind of location"),
        h("label", null, h("input", { type: "radio", name: id + "-kind", value: "text",
                                      checked: !this.state.place, onChange: this.setKind }),
          " Text"),
        " ",
        h("label", null, h("input", { type: "radio", name: id + "-kind", value: "place",
                                      checked: this.state.place, onChange: this.setKind }),
          " Place with address"));
      var inputs;
      if (!this.state.place) {
        inputs = [h("input", { key: "text", id: id, type: "text",
                               value: typeof value === "string" ? value : "",
                               onChange: this.onText, className: this.props.classNameWidget })];
      } else {
        var place = value && typeof value === "object" ? value : {};
        inputs = PLACE_FIELDS.map(function (spec, index) {
          var key = spec[0];
          var inputId = index === 0 ? id : id + "-" + key;
          return h("p", { key: key },
            h("label", { htmlFor: inputId }, spec[1] + " "),
            h("input", { id: inputId, type: spec[2], step: spec[2] === "number" ? "any" : undefined,
                         value: place[key] === undefined ? "" : String(place[key]),
                         onChange: self.onPart.bind(self, key, spec[2]),
                         className: self.props.classNameWidget }));
        });
      }
      return h("div", { className: this.props.classNameWrapper }, [kinds].concat(inputs));
    }
  });

  function textPreview(props) {
    var value = plain(props.value);
    if (value && typeof value === "object") {
      value = [value.name, value.address].filter(Boolean).join(", ");
    }
    return h("p", null, value ? String(value) : "");
  }

  /* A picture put into the body goes through Decap's own "Image" component, whose upload field
   * has no size limit of its own (config.yml can only limit the Image fields): the same
   * component again, its upload stopped at the check's limit. */
  var bodyImage = CMS.getEditorComponents().get("image");
  if (bodyImage && IMAGE_MAX) {
    CMS.registerEditorComponent(Object.assign({}, bodyImage, {
      fields: bodyImage.fields.toJS().map(function (field) {
        if (field.widget !== "image") return field;
        var library = Object.assign({}, field.media_library);
        library.config = Object.assign({}, library.config, { max_file_size: IMAGE_MAX });
        return Object.assign({}, field, { media_library: library });
      })
    }));
  }

  CMS.registerWidget("when", WhenControl, textPreview);
  CMS.registerWidget("location", LocationControl, textPreview);
  ["string", "text", "select", "list", "markdown", "datetime", "when"].forEach(requiring);

  /* Before saving: drop empty fields (the checks refuse `end: ""`, and Pelican headers have no
   * empty lines), then name a new file as Pelican would from its title. */
  function prune(data) {
    return data.filter(function (value) { return !isEmpty(value); }).map(function (value) {
      var immutable = value && typeof value.filter === "function" && typeof value.has === "function";
      return immutable ? prune(value) : value;
    });
  }

  CMS.registerEventListener({
    name: "preSave",
    handler: function (args) {
      var entry = args.entry;
      var data = prune(entry.get("data"));
      if (!data.get("slug") && entry.get("newRecord")) {
        var slug;
        if (entry.get("collection") === "events") {
          var date = whenParts(data.get("start")).date;
          slug = date + "-" + slugify(data.get("title"), date.length + 1);
        } else {
          slug = slugify(data.get("title"));
        }
        data = data.set("slug", slug);
      }
      return data;
    }
  });

  /* Decap lists a field's problems beside its label but does not tie them to the input, and a
   * refused save only says "you've missed a required field" without moving focus: a screen
   * reader or keyboard user is left to hunt for which field. Each input with problems is
   * marked invalid and described by them, and a refused save focuses the first such input. */
  var ERRORS_ID = "-problems";
  var refused = ((CMS.getLocale("en") || {}).ui || {}).toast;
  refused = refused && refused.missingRequiredField;

  function markProblems() {
    var labels = document.querySelectorAll("label[for]");
    Array.prototype.forEach.call(labels, function (label) {
      var input = document.getElementById(label.htmlFor);
      if (!input) return;
      var list = label.parentNode.querySelector("label[for='" + label.htmlFor + "'] ~ ul");
      var id = label.htmlFor + ERRORS_ID;
      var described = (input.getAttribute("aria-describedby") || "").split(" ")
        .filter(function (part) { return part && part !== id; });
      if (list && list.textContent) {
        list.id = id;
        described.push(id);
        input.setAttribute("aria-invalid", "true");
      } else {
        input.removeAttribute("aria-invalid");
      }
      if (described.length) input.setAttribute("aria-describedby", described.join(" "));
      else input.removeAttribute("aria-describedby");
    });
  }

  function focusFirstProblem() {
    markProblems();
    var first = document.querySelector("[aria-invalid=true]");
    if (first) first.focus();
  }

  new MutationObserver(function (changes) {
    var saveRefused = false;
    changes.forEach(function (change) {
      Array.prototype.forEach.call(change.addedNodes, function (node) {
        if (refused && node.nodeType === 1 && node.textContent.indexOf(refused) >= 0) {
          saveRefused = true;
        }
      });
    });
    markProblems();
    // The problems may be drawn just after the notice: focus once both are on the page.
    if (saveRefused) setTimeout(focusFirstProblem, 50);
  }).observe(document.body, { childList: true, subtree: true, characterData: true });

  var style = script && script.getAttribute("data-preview-style");
  if (style) CMS.registerPreviewStyle(style);

  /* Posts previewed with the site's own article markup and stylesheet. */
  var PostPreview = createClass({
    render: function () {
      var entry = this.props.entry;
      return h("main", { className: "wrap" },
        h("article", { className: "post" },
          h("p", { className: "kicker" }, entry.getIn(["data", "category"]) || ""),
          h("h1", null, entry.getIn(["data", "title"]) || ""),
          h("p", { className: "lede" }, entry.getIn(["data", "summary"]) || ""),
          h("div", { className: "prose" }, this.props.widgetFor("body"))));
    }
  });
  CMS.registerPreviewTemplate("posts", PostPreview);

  window.siteEditor = { slugify: slugify, pelicanFormat: pelicanFormat };
})();
