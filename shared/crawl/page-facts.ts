/**
 * What the crawler reads from a rendered page, collected in one pass inside
 * the page. The script is plain JavaScript kept as text so no compiler helper
 * leaks into the page; its result is validated with zod on the way out.
 *
 * @module
 */
import { z } from 'zod';
import { REF_ATTRIBUTE } from './locators.ts';

/** Caps per page, so a huge page costs bounded time. */
export const PAGE_LIMITS = {
  links: 1000,
  forms: 50,
  fields: 100,
  buttons: 200,
  headings: 200,
  text: 300,
} as const;

const elementFacts = z.object({
  ref: z.string(),
  testId: z.string().nullable(),
  label: z.string().nullable(),
  idSelector: z.string().nullable(),
  cssPath: z.string(),
});

export const pageFactsSchema = z.object({
  title: z.string(),
  headings: z.array(z.object({ level: z.number().int().min(1).max(6), text: z.string() })),
  links: z.array(z.object({ href: z.string(), text: z.string() })),
  forms: z.array(
    z.object({
      element: elementFacts,
      action: z.string().nullable(),
      method: z.string(),
      fields: z.array(
        z.object({
          element: elementFacts,
          name: z.string().nullable(),
          type: z.string(),
          required: z.boolean(),
          options: z.array(z.string()).optional(),
        }),
      ),
      submit: z.object({ element: elementFacts, text: z.string() }).nullable(),
    }),
  ),
  buttons: z.array(z.object({ element: elementFacts, name: z.string() })),
  passwordFieldVisible: z.boolean(),
});

/** The facts of one page, element locators not yet chosen. */
export type PageFacts = z.infer<typeof pageFactsSchema>;

/** Removes the temporary reference attributes the extraction put on elements. */
export const CLEANUP_SCRIPT = `document.querySelectorAll('[${REF_ATTRIBUTE}]').forEach(function (e) { e.removeAttribute('${REF_ATTRIBUTE}'); })`;

/** Evaluated in the page; returns {@link PageFacts}. */
export const EXTRACT_SCRIPT = `(function () {
  var LIMITS = ${JSON.stringify(PAGE_LIMITS)};
  var REF = ${JSON.stringify(REF_ATTRIBUTE)};
  var next = 0;
  function text(node) {
    return ((node && (node.innerText || node.textContent)) || '').replace(/\\s+/g, ' ').trim().slice(0, LIMITS.text);
  }
  function cssPath(el) {
    var parts = [];
    var node = el;
    while (node && node.nodeType === 1 && node !== document.documentElement) {
      if (node !== el && node.id && document.querySelectorAll('#' + CSS.escape(node.id)).length === 1) {
        parts.unshift('#' + CSS.escape(node.id));
        return parts.join(' > ');
      }
      var tag = node.tagName.toLowerCase();
      var index = 1;
      var sibling = node.previousElementSibling;
      while (sibling) { if (sibling.tagName === node.tagName) index++; sibling = sibling.previousElementSibling; }
      parts.unshift(tag + ':nth-of-type(' + index + ')');
      node = node.parentElement;
    }
    parts.unshift('html');
    return parts.join(' > ');
  }
  function labelOf(el) {
    var aria = el.getAttribute('aria-label');
    if (aria && aria.trim()) return aria.trim().slice(0, LIMITS.text);
    var by = el.getAttribute('aria-labelledby');
    if (by) {
      var joined = by.split(/\\s+/).map(function (id) { return text(document.getElementById(id)); }).join(' ').trim();
      if (joined) return joined;
    }
    if (el.labels && el.labels.length > 0) {
      var own = text(el.labels[0]);
      if (own) return own;
    }
    return null;
  }
  function facts(el) {
    var ref = el.getAttribute(REF) || String(next++);
    el.setAttribute(REF, ref);
    return {
      ref: ref,
      testId: el.getAttribute('data-testid'),
      label: labelOf(el),
      idSelector: el.id ? '#' + CSS.escape(el.id) : null,
      cssPath: cssPath(el),
    };
  }
  function visible(el) {
    var style = getComputedStyle(el);
    var box = el.getBoundingClientRect();
    return style.visibility !== 'hidden' && style.display !== 'none' && box.width > 0 && box.height > 0;
  }
  var headings = [];
  document.querySelectorAll('h1,h2,h3,h4,h5,h6,[role=heading]').forEach(function (h) {
    if (headings.length >= LIMITS.headings) return;
    var level = /^H[1-6]$/.test(h.tagName) ? Number(h.tagName.slice(1)) : Number(h.getAttribute('aria-level') || 2);
    var t = text(h);
    if (t) headings.push({ level: Math.min(6, Math.max(1, level || 2)), text: t });
  });
  var links = [];
  document.querySelectorAll('a[href],area[href]').forEach(function (a) {
    if (links.length >= LIMITS.links) return;
    var img = a.querySelector && a.querySelector('img[alt]');
    links.push({ href: a.getAttribute('href').trim().toLowerCase().indexOf('javascript:') === 0 ? a.getAttribute('href').trim() : a.href,
      text: text(a) || a.getAttribute('aria-label') || a.getAttribute('title') || (img ? img.getAttribute('alt') : '') || '' });
  });
  var skipTypes = { hidden: 1, submit: 1, button: 1, reset: 1, image: 1 };
  var forms = [];
  Array.prototype.slice.call(document.forms, 0, LIMITS.forms).forEach(function (form) {
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (fields.length >= LIMITS.fields) return;
      var tag = el.tagName.toLowerCase();
      if (tag !== 'input' && tag !== 'select' && tag !== 'textarea') return;
      var type = tag === 'input' ? (el.type || 'text').toLowerCase() : tag;
      if (skipTypes[type]) return;
      var field = { element: facts(el), name: el.getAttribute('name'), type: type, required: !!el.required };
      if (tag === 'select') field.options = Array.prototype.map.call(el.options, function (o) { return text(o) || o.value; }).slice(0, 100);
      fields.push(field);
    });
    var submitEl = form.querySelector('button[type=submit],input[type=submit],input[type=image],button:not([type])');
    if (!submitEl && form.id) submitEl = document.querySelector('button[form="' + CSS.escape(form.id) + '"][type=submit]');
    forms.push({
      element: facts(form),
      action: form.getAttribute('action') === null ? null : form.action,
      method: (form.getAttribute('method') || 'get').toLowerCase(),
      fields: fields,
      submit: submitEl ? { element: facts(submitEl), text: text(submitEl) || submitEl.value || submitEl.getAttribute('aria-label') || '' } : null,
    });
  });
  var buttons = [];
  document.querySelectorAll('button,input[type=submit],input[type=button],input[type=reset],[role=button]').forEach(function (b) {
    if (buttons.length >= LIMITS.buttons) return;
    buttons.push({ element: facts(b), name: text(b) || b.value || b.getAttribute('aria-label') || b.getAttribute('title') || '' });
  });
  var passwordFieldVisible = Array.prototype.some.call(document.querySelectorAll('input[type=password]'), visible);
  return { title: document.title || '', headings: headings, links: links, forms: forms, buttons: buttons, passwordFieldVisible: passwordFieldVisible };
})()`;
