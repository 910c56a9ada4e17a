// Flask-AppBuilder's scripts hard-code a few English texts; the page passes
// their translations in window.PONTIVE_TEXTS. These wrappers run before
// jQuery's ready handlers, where FAB uses them.
(function ($) {
  var texts = window.PONTIVE_TEXTS || {};
  if ($ && $.fn.select2) {
    var select2 = $.fn.select2;
    $.fn.select2 = function (options) {
      if (options && options.placeholder === "Select") {
        options.placeholder = texts["Select"] || options.placeholder;
      }
      return select2.apply(this, arguments);
    };
    $.extend($.fn.select2, select2);
    // Select2's own messages, which it has only in English here.
    var messages = {noResults: "No results found", searching: "Searching…",
                    removeAllItems: "Remove all items",
                    errorLoading: "The results could not be loaded.",
                    loadingMore: "Loading more results…"};
    var language = {};
    $.each(messages, function (key, english) {
      language[key] = function () { return texts[english] || english; };
    });
    $.fn.select2.defaults.set("language", language);
  }
  // bootstrap-datepicker knows only English: the page's language, weeks
  // from Monday, for every picker ab.js makes when the page is ready.
  var picker = window.PONTIVE_DATEPICKER;
  if ($ && $.fn.datepicker && picker) {
    $.fn.datepicker.dates[picker.code] = picker.dates;
    $.fn.datepicker.defaults.language = picker.code;
    $.fn.datepicker.defaults.weekStart = picker.dates.weekStart;
  }
  // FAB's list draws its select-all checkbox without a name.
  if ($) {
    $(".action_check_all").attr("aria-label", texts["Select all rows"]);
  }
  if (typeof window.ab_alert === "function") {
    var abAlert = window.ab_alert;
    window.ab_alert = function (message) {
      return abAlert(texts[message] || message);
    };
  }
})(window.jQuery);
