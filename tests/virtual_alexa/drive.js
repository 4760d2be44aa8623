// A JSON-lines bridge to virtual-alexa for tests/test_virtual_alexa.py.
// Each stdin line is a command; each gets exactly one stdout line back:
//   {"cmd": "start", "locale": "en-US", "model": "<path>", "url": "http://127.0.0.1:PORT/"}
//   {"cmd": "launch"}  {"cmd": "utter", "text": "..."}  {"cmd": "end"}
// answered with {"request": <the envelope virtual-alexa posted>, "response": <the reply>}
// or {"error": "..."}. virtual-alexa resolves each utterance against the real interaction
// model itself; nothing here helps it.
"use strict";
const readline = require("readline");
const va = require("virtual-alexa");

let alexa = null;
let sent = null;

function reply(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

async function run(command) {
  if (command.cmd === "start") {
    alexa = va.VirtualAlexa.Builder()
      .interactionModelFile(command.model)
      .skillURL(command.url)
      .locale(command.locale)
      .applicationID(command.applicationId)
      .create();
    alexa.filter((request) => { sent = request; });
    return { started: command.locale };
  }
  sent = null;
  let response;
  if (command.cmd === "launch") response = await alexa.launch();
  else if (command.cmd === "utter") response = await alexa.utter(command.text);
  else if (command.cmd === "end") response = await alexa.endSession();
  else throw new Error("unknown command " + command.cmd);
  return { request: sent, response: response };
}

const lines = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on("line", (line) => {
  queue = queue.then(async () => {
    try {
      reply(await run(JSON.parse(line)));
    } catch (e) {
      reply({ error: String(e && e.stack ? e.stack : e) });
    }
  });
});
