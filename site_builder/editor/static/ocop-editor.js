/* The catalog's additions to Decap CMS (site_builder/editor/admin.py loads this after it):
 * - the Vietnamese words Decap's own locale lacks;
 * - "ocop-map", the field of notes to confirm (to_confirm), each with a "Confirmed" button;
 * - before a save, empty values are dropped, so an optional part left blank (a location, a
 *   revocation) is not written at all, and every object's fields are put in the record's order
 *   (Decap orders the top level only): the file is the record `ocop check` reads.
 */
(function () {
  "use strict";
  var CMS = window.CMS;
  var h = window.h;
  var createClass = window.createClass;
  var data = JSON.parse(document.getElementById("ocop-editor-words").textContent);
  var words = data.widgets;

  function merged(base, extra) {
    var out = {};
    Object.keys(base || {}).forEach(function (key) { out[key] = base[key]; });
    Object.keys(extra || {}).forEach(function (key) {
      var both = out[key] && typeof out[key] === "object" && typeof extra[key] === "object";
      out[key] = both ? merged(out[key], extra[key]) : extra[key];
    });
    return out;
  }

  if (Object.keys(data.interface).length) {
    CMS.registerLocale(data.locale, merged(CMS.getLocale(data.locale), data.interface));
  }

  function isImmutable(value) {
    return value !== null && typeof value === "object" && typeof value.toJS === "function";
  }

  function isEmpty(value) {
    return value === null || value === undefined || value === "" ||
      (isImmutable(value) && value.size === 0);
  }

  function isList(value) {
    return isImmutable(value) && value["@@__IMMUTABLE_LIST__@@"] === true;
  }

  /* A value without its empty parts (blank texts, empty lists and mappings) at any depth, each
   * mapping's keys in the record's order (data.order: the fields of each object by path). */
  function cleaned(value, path) {
    if (!isImmutable(value)) return value;
    if (isList(value)) {
      return value.map(function (item) { return cleaned(item, path); })
        .filter(function (part) { return !isEmpty(part); });
    }
    var names = data.order[path];
    var kept = value.map(function (part, key) {
      return names ? cleaned(part, path ? path + "." + key : key) : part;
    }).filter(function (part) { return !isEmpty(part); });
    if (!names) return kept;  // a mapping of notes (to_confirm): as it is
    return kept.sortBy(function (part, key) {
      var rank = names.indexOf(key);
      return rank < 0 ? names.length : rank;
    });
  }

  var NotesControl = createClass({
    confirm: function (key) {
      this.props.onChange(this.props.value.delete(key));
    },
    render: function () {
      var value = this.props.value;
      var self = this;
      var entries = isImmutable(value) && value.entrySeq ? value.entrySeq().toArray() : [];
      if (!entries.length) {
        return h("p", { id: this.props.forID, className: "ocop-none" }, words.nothing_to_confirm);
      }
      return h("ul", { id: this.props.forID, className: "ocop-notes" }, entries.map(function (entry) {
        return h("li", { key: entry[0] },
          h("code", null, entry[0]), " ", h("span", null, String(entry[1])), " ",
          h("button", { type: "button", onClick: function () { self.confirm(entry[0]); } },
            words.confirmed));
      }));
    }
  });
  CMS.registerWidget("ocop-map", NotesControl);

  CMS.registerEventListener({
    name: "preSave",
    handler: function (event) { return cleaned(event.entry.get("data"), ""); }
  });

  CMS.init();
})();
