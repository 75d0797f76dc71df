// The demo's web chat: each pane is one person's private chat with the bot, polled from /api/chats/<id>.
// Messages carry Telegram's plain text + entities (offsets in UTF-16 code units, which is what JavaScript
// strings index), so formatting is rebuilt here as DOM nodes — never through innerHTML.
"use strict";

const POLL_MS = 600;
const TIME = new Intl.DateTimeFormat("fr-MA", { hour: "2-digit", minute: "2-digit", timeZone: "Africa/Casablanca" });

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function postJson(path, payload) {
  return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload) });
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

// ------------------------------------------------------------ Telegram entities → DOM

function entityNode(entity, pane, text) {
  switch (entity.type) {
    case "bold": return el("b");
    case "italic": return el("i");
    case "underline": return el("u");
    case "strikethrough": return el("s");
    case "code": return el("code", { dir: "auto" });
    case "pre": return el("pre", { dir: "auto" });
    case "blockquote": case "expandable_blockquote": return el("blockquote", { dir: "auto" });
    case "spoiler": return el("span", { class: "spoiler", onclick: (e) => e.currentTarget.classList.add("shown") });
    case "text_link": return safeLink(entity.url);
    case "url": return safeLink(text.slice(entity.offset, entity.offset + entity.length));
    case "bot_command": {
      const command = text.slice(entity.offset, entity.offset + entity.length);
      return el("span", { class: "cmd", dir: "ltr", role: "button", onclick: () => pane.sendText(command) });
    }
    default: return el("span");
  }
}

function safeLink(url) {
  const ok = /^https?:\/\//i.test(url || "");
  return ok ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }) : el("span");
}

// Telegram clients make "/command" in any message a link that sends it; isolated left-to-right, it also keeps
// its slash in front inside an Arabic sentence.
const COMMAND = /(^|[\s(«"'])(\/[A-Za-z0-9_]{1,32})(?=$|[\s.,،:;!?)»"'])/g;

function appendPlain(parent, text, pane) {
  let last = 0;
  for (const match of text.matchAll(COMMAND)) {
    const start = match.index + match[1].length;
    parent.append(text.slice(last, start));
    const command = match[2];
    parent.append(el("span", { class: "cmd", dir: "ltr", role: "button", onclick: () => pane.sendText(command) }, command));
    last = start + command.length;
  }
  parent.append(text.slice(last));
}

function renderEntities(text, entities, pane) {
  const fragment = document.createDocumentFragment();
  const sorted = (entities || []).slice().sort((a, b) => a.offset - b.offset || b.length - a.length);
  function build(parent, start, end, list) {
    let position = start;
    let i = 0;
    while (i < list.length) {
      const entity = list[i];
      const entityEnd = Math.min(entity.offset + entity.length, end);
      if (entity.offset > position) appendPlain(parent, text.slice(position, entity.offset), pane);
      const inner = [];
      let j = i + 1;
      while (j < list.length && list[j].offset < entityEnd) { inner.push(list[j]); j += 1; }
      const node = entityNode(entity, pane, text);
      build(node, Math.max(entity.offset, position), entityEnd, inner);
      parent.append(node);
      position = Math.max(position, entityEnd);
      i = j;
    }
    if (position < end) appendPlain(parent, text.slice(position, end), pane);
  }
  build(fragment, 0, text.length, sorted);
  return fragment;
}

function sizeLabel(bytes) {
  if (!bytes) return "";
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1048576).toFixed(1)} MB`;
}

// ------------------------------------------------------------ one pane = one person's chat

class Pane {
  constructor(section, people) {
    this.section = section;
    section.append(document.getElementById("pane-body").content.cloneNode(true));
    this.select = section.querySelector(".persona");
    this.messages = section.querySelector(".messages");
    this.keyboard = section.querySelector(".keyboard");
    this.toast = section.querySelector(".toast");
    this.replyBar = section.querySelector(".reply-bar");
    this.input = section.querySelector(".input");
    this.file = section.querySelector(".file");
    this.rendered = new Map();
    this.keyboardKey = "";
    this.version = "";
    this.replyTo = null;
    this.chatId = null;

    const roles = section.dataset.roles.split(" ");
    const mine = people.filter((p) => roles.includes(p.role));
    for (const person of mine) {
      this.select.append(el("option", { value: person.telegram_id, title: person.label_fr }, person.label_ar));
    }
    const office = section.dataset.defaultOffice;
    const preferred = mine.find((p) => (office ? p.office_id === office : String(p.telegram_id) === section.dataset.default));
    this.select.value = String((preferred || mine[0]).telegram_id);
    this.select.addEventListener("change", () => this.open(Number(this.select.value)));

    section.querySelector(".composer").addEventListener("submit", (event) => {
      event.preventDefault();
      this.sendText(this.input.value);
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        this.sendText(this.input.value);
      }
    });
    this.file.addEventListener("change", () => this.upload());
    section.querySelector(".reply-cancel").addEventListener("click", () => this.setReply(null));
  }

  async open(chatId) {
    this.chatId = chatId;
    this.section.dataset.chat = String(chatId);
    this.rendered.clear();
    this.messages.replaceChildren();
    this.keyboardKey = "";
    this.version = "";
    this.setReply(null);
    await postJson(`/api/chats/${chatId}/open`, {});
    await this.refresh(true);
  }

  async refresh(scrollDown = false) {
    const chatId = this.chatId;
    if (chatId === null) return;
    const view = await api(`/api/chats/${chatId}?since=${encodeURIComponent(this.version)}`);
    if (chatId !== this.chatId || view.unchanged) return;
    const nearBottom = this.messages.scrollHeight - this.messages.scrollTop - this.messages.clientHeight < 60;
    this.version = view.version;
    this.renderMessages(view.messages);
    this.renderKeyboard(view.keyboard);
    if (scrollDown || nearBottom) this.messages.scrollTop = this.messages.scrollHeight;
  }

  renderMessages(messages) {
    // Only new or changed messages are rebuilt, so a button under the pointer survives the next poll.
    const seen = new Set();
    let previous = null;
    for (const message of messages) {
      const key = JSON.stringify(message);
      let entry = this.rendered.get(message.id);
      if (!entry || entry.key !== key) {
        const node = this.messageNode(message);
        if (entry) entry.node.replaceWith(node);
        else this.messages.insertBefore(node, previous ? previous.nextSibling : this.messages.firstChild);
        entry = { key, node };
        this.rendered.set(message.id, entry);
      }
      seen.add(message.id);
      previous = entry.node;
    }
    for (const [id, entry] of this.rendered) {
      if (!seen.has(id)) { entry.node.remove(); this.rendered.delete(id); }
    }
  }

  messageNode(message) {
    const bubble = el("div", { class: "bubble" });
    if (message.reply_to) bubble.append(el("div", { class: "quote", dir: "auto" }, message.reply_to.text));
    if (message.photo) {
      bubble.append(el("a", { href: `/api/files/${message.photo}`, target: "_blank" },
        el("img", { class: "photo", src: `/api/files/${message.photo}`, alt: "📷" })));
    }
    if (message.document) {
      const doc = message.document;
      bubble.append(el("a", { class: "doc", href: `/api/files/${doc.file_id}`, target: "_blank", download: doc.name },
        el("span", { "aria-hidden": "true" }, "📄"), el("span", { class: "doc-name", dir: "auto" }, doc.name),
        el("span", { class: "doc-size", dir: "ltr" }, sizeLabel(doc.size))));
    }
    const text = el("div", { class: "text", dir: "auto" });
    text.append(renderEntities(message.text || "", message.entities, this));
    bubble.append(text);
    const meta = el("div", { class: "meta" });
    if (message.edited) meta.append(el("span", { class: "edited" }, "معدّلة"));
    meta.append(el("span", { class: "time" }, TIME.format(new Date(message.date * 1000))));
    if (!message.out) {
      meta.append(el("button", {
        type: "button", class: "reply-btn", title: "رد على هذه الرسالة · Répondre à ce message",
        "aria-label": "رد · Répondre", onclick: () => this.setReply(message),
      }, "↩"));
    }
    bubble.append(meta);
    const node = el("div", { class: `msg ${message.out ? "out" : "in"}`, "data-message-id": message.id }, bubble);
    if (message.buttons) node.append(this.inlineKeyboard(message));
    return node;
  }

  inlineKeyboard(message) {
    const board = el("div", { class: "inline-kb" });
    for (const row of message.buttons) {
      const line = el("div", { class: "row" });
      for (const button of row) {
        if (button.url) {
          line.append(el("button", { type: "button", dir: "auto", onclick: () => window.open(button.url, "_blank") },
            `${button.text} ↗`));
        } else {
          line.append(el("button", {
            type: "button", dir: "auto", "data-callback": button.callback_data || "",
            onclick: (event) => this.press(message.id, button.callback_data, event.currentTarget),
          }, button.text));
        }
      }
      board.append(line);
    }
    return board;
  }

  renderKeyboard(rows) {
    const key = JSON.stringify(rows || null);
    if (key === this.keyboardKey) return;
    this.keyboardKey = key;
    this.keyboard.replaceChildren();
    this.keyboard.hidden = !rows || rows.length === 0;
    for (const row of rows || []) {
      const line = el("div", { class: "row" });
      for (const label of row) {
        line.append(el("button", { type: "button", dir: "auto", onclick: () => this.sendText(label) }, label));
      }
      this.keyboard.append(line);
    }
  }

  setReply(message) {
    this.replyTo = message ? message.id : null;
    this.replyBar.hidden = !message;
    this.replyBar.querySelector(".reply-text").textContent = message ? (message.text || "📎").slice(0, 120) : "";
    if (message) this.input.focus();
  }

  async sendText(text) {
    text = (text || "").trim();
    if (!text || this.chatId === null) return;
    const payload = { text };
    if (this.replyTo !== null) payload.reply_to = this.replyTo;
    this.input.value = "";
    this.setReply(null);
    try {
      await postJson(`/api/chats/${this.chatId}/text`, payload);
    } catch (error) {
      this.showToast(String(error.message || error), false);
    }
    await this.refresh(true);
  }

  async press(messageId, data, button) {
    button.disabled = true;
    try {
      const result = await postJson(`/api/chats/${this.chatId}/press`, { message_id: messageId, data });
      if (result.answer && result.answer.text) this.showToast(result.answer.text, Boolean(result.answer.show_alert));
    } catch (error) {
      this.showToast(String(error.message || error), false);
    } finally {
      button.disabled = false;
    }
    await this.refresh(true);
  }

  async upload() {
    const file = this.file.files[0];
    if (!file || this.chatId === null) return;
    const form = new FormData();
    form.append("file", file, file.name);
    const caption = this.input.value.trim();
    if (caption) form.append("caption", caption);
    if (this.replyTo !== null) form.append("reply_to", String(this.replyTo));
    this.input.value = "";
    this.file.value = "";
    this.setReply(null);
    try {
      await api(`/api/chats/${this.chatId}/upload`, { method: "POST", body: form });
    } catch (error) {
      this.showToast(String(error.message || error), false);
    }
    await this.refresh(true);
  }

  showToast(text, alert) {
    // A pop-up (show_alert) stays until clicked, like Telegram's; a notification fades after a few seconds.
    this.toast.textContent = text;
    this.toast.classList.toggle("alert", alert);
    this.toast.hidden = false;
    clearTimeout(this.toastTimer);
    this.toast.onclick = () => { this.toast.hidden = true; };
    if (!alert) this.toastTimer = setTimeout(() => { this.toast.hidden = true; }, 3500);
  }
}

async function main() {
  const { bot, people } = await api("/api/people");
  document.title = `${bot.first_name} · ${document.title}`;
  const panes = [...document.querySelectorAll(".pane")].map((section) => new Pane(section, people));
  await Promise.all(panes.map((pane) => pane.open(Number(pane.select.value))));
  document.body.dataset.ready = "true";
  for (const pane of panes) {
    const tick = async () => {
      try { await pane.refresh(); } catch (error) { /* the demo may be restarting: try again */ }
      setTimeout(tick, POLL_MS);
    };
    setTimeout(tick, POLL_MS);
  }
}

main();
