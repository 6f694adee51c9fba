/*
 * The panel's styles, inside the Shadow DOM. Inherited properties (font, colour, line height) are
 * set on the panel itself, so nothing a host page sets on its body or on `*` reaches in.
 */
export const styles = `
.panel{all:initial;position:fixed;right:16px;bottom:84px;width:360px;max-width:calc(100vw - 32px);height:520px;max-height:calc(100vh - 110px);display:flex;flex-direction:column;box-sizing:border-box;background:#fff;color:#111827;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);overflow:hidden;text-align:left;letter-spacing:normal;word-spacing:normal;text-transform:none;font-style:normal;font-weight:400}
.panel[hidden]{display:none}
.panel *{box-sizing:border-box;font:inherit;color:inherit;letter-spacing:inherit;text-transform:none;margin:0}
.head{display:flex;align-items:center;justify-content:space-between;padding:12px 16px;background:#1d4ed8;color:#fff}
.head h2{font-size:17px;font-weight:600}
.x{all:unset;cursor:pointer;font-size:24px;line-height:1;padding:4px 8px;border-radius:6px}
button:focus-visible,a:focus-visible,input:focus-visible,textarea:focus-visible,.log:focus-visible,.x:focus-visible{outline:3px solid #f59e0b;outline-offset:1px}
.status{padding:6px 16px;font-size:13px;color:#374151;min-height:1.4em}
.log{flex:1;overflow-y:auto;padding:8px 16px;display:flex;flex-direction:column;gap:8px}
.msg{max-width:85%;padding:8px 12px;border-radius:12px;background:#f3f4f6;white-space:pre-wrap;overflow-wrap:anywhere}
.msg.customer{align-self:flex-end;background:#1d4ed8;color:#fff}
.msg.system{align-self:center;background:none;color:#4b5563;font-size:13px;text-align:center}
.msg.pending{opacity:.6}.msg.failed{outline:2px solid #b91c1c}
.links{padding-left:18px;margin-top:6px}.links a{color:#1d4ed8;text-decoration:underline}
.options{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}
.options button,.scale button,.row button,.primary{cursor:pointer;border:1px solid #1d4ed8;background:#fff;color:#1d4ed8;border-radius:16px;padding:6px 12px;min-height:36px}
.primary{background:#1d4ed8;color:#fff;border-radius:8px}
.typing{padding:0 16px;font-size:13px;color:#4b5563;min-height:1.2em}
.extra{padding:0 16px;display:flex;flex-direction:column;gap:8px}
.scale{display:grid;grid-template-columns:repeat(5,1fr);gap:6px;margin-top:6px}
.scale button{border-radius:8px;padding:6px 0}
.field{display:flex;flex-direction:column;gap:2px}
.field label{font-size:13px;color:#374151}
input,textarea{border:1px solid #9ca3af;border-radius:8px;padding:8px;background:#fff;color:#111827;width:100%;resize:none}
.offline,.row{display:flex;flex-direction:column;gap:8px;padding:8px 0}
.composer{display:flex;gap:8px;padding:8px 16px;border-top:1px solid #e5e7eb}
.composer[hidden]{display:none}
.composer textarea{flex:1}
.attach{all:unset;cursor:pointer;font-size:20px;padding:0 4px;align-self:center}
.foot{display:flex;justify-content:space-between;padding:4px 16px 10px}
.link{all:unset;cursor:pointer;color:#1d4ed8;font-size:13px;text-decoration:underline}
.link[hidden]{display:none}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;max-width:100vw;height:100vh;height:100dvh;max-height:none;border-radius:0}}
`;
