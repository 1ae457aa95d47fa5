// record.mjs - records a real OTLP/HTTP trace export produced by OpenLLMetry-JS
// (@traceloop/node-server-sdk) for an agent-like "tool calling" flow.
//
// Everything runs on 127.0.0.1:
//   * a fake OpenAI-compatible chat completions API (replays two canned responses)
//   * a fake OTLP/HTTP receiver that stores every request body byte-for-byte
//
// Usage (Node 20, in a directory with @traceloop/node-server-sdk@0.27.0 and openai@6.49.0
// installed):  node record.mjs [outputDir]
// Writes openllmetry-js-workflow-<n>.otlp.pb (one per OTLP export request, in arrival
// order) plus index.json / llm-requests.json / outgoing.json diagnostics to outputDir.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import diagnosticsChannel from "node:diagnostics_channel";

const outDir = path.resolve(process.argv[2] ?? "out");
fs.mkdirSync(outDir, { recursive: true });

// ---------------------------------------------------------------------------
// Guard: log every outgoing connection so we can prove that all traffic
// stays on 127.0.0.1 (http module -> OTLP exporter, undici/fetch -> openai).
// ---------------------------------------------------------------------------
const outgoing = [];
diagnosticsChannel.subscribe("http.client.request.start", ({ request }) => {
  outgoing.push(`http ${request.method} ${request.host}${request.path}`);
});
diagnosticsChannel.subscribe("undici:request:create", ({ request }) => {
  outgoing.push(`fetch ${request.method} ${request.origin}${request.path}`);
});

function listen(server) {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(server.address().port)),
  );
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

// ---------------------------------------------------------------------------
// 1. Fake OpenAI chat completions API
// ---------------------------------------------------------------------------
const llmRequests = [];
const llmServer = http.createServer(async (req, res) => {
  const body = await readBody(req);
  const n = llmRequests.push({ method: req.method, url: req.url, body: JSON.parse(body.toString("utf8")) });
  if (req.method !== "POST" || !req.url.endsWith("/chat/completions")) {
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: "not found", type: "invalid_request_error" } }));
    return;
  }
  const created = Math.floor(Date.now() / 1000);
  const payload =
    n === 1
      ? {
          id: "chatcmpl-LocalRec0001ToolCall",
          object: "chat.completion",
          created,
          model: "gpt-4o-mini-2024-07-18",
          choices: [
            {
              index: 0,
              message: {
                role: "assistant",
                content: null,
                tool_calls: [
                  {
                    id: "call_LocalRecGetWeather01",
                    type: "function",
                    function: { name: "get_weather", arguments: '{"city":"Paris"}' },
                  },
                ],
                refusal: null,
                annotations: [],
              },
              logprobs: null,
              finish_reason: "tool_calls",
            },
          ],
          usage: {
            prompt_tokens: 82,
            completion_tokens: 16,
            total_tokens: 98,
            prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
            completion_tokens_details: {
              reasoning_tokens: 0,
              audio_tokens: 0,
              accepted_prediction_tokens: 0,
              rejected_prediction_tokens: 0,
            },
          },
          service_tier: "default",
          system_fingerprint: "fp_localrec01",
        }
      : {
          id: "chatcmpl-LocalRec0002Answer",
          object: "chat.completion",
          created,
          model: "gpt-4o-mini-2024-07-18",
          choices: [
            {
              index: 0,
              message: {
                role: "assistant",
                content: "It is currently 18°C and partly cloudy in Paris.",
                refusal: null,
                annotations: [],
              },
              logprobs: null,
              finish_reason: "stop",
            },
          ],
          usage: {
            prompt_tokens: 121,
            completion_tokens: 14,
            total_tokens: 135,
            prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
            completion_tokens_details: {
              reasoning_tokens: 0,
              audio_tokens: 0,
              accepted_prediction_tokens: 0,
              rejected_prediction_tokens: 0,
            },
          },
          service_tier: "default",
          system_fingerprint: "fp_localrec01",
        };
  res.writeHead(200, {
    "content-type": "application/json",
    "x-request-id": `req_localrec${n}`,
    "openai-processing-ms": "120",
  });
  res.end(JSON.stringify(payload));
});

// ---------------------------------------------------------------------------
// 2. Fake OTLP/HTTP receiver: keeps raw bodies + content-type, answers 200
// ---------------------------------------------------------------------------
const otlpRequests = [];
const otlpServer = http.createServer(async (req, res) => {
  const body = await readBody(req);
  otlpRequests.push({
    method: req.method,
    url: req.url,
    contentType: req.headers["content-type"],
    contentEncoding: req.headers["content-encoding"] ?? null,
    userAgent: req.headers["user-agent"] ?? null,
    body,
  });
  res.writeHead(200);
  res.end();
});

const llmPort = await listen(llmServer);
const otlpPort = await listen(otlpServer);
const otlpBase = `http://127.0.0.1:${otlpPort}`;

// Environment must be set before the SDK is initialised.
process.env.TRACELOOP_TELEMETRY = "false";
process.env.TRACELOOP_SYNC_ENABLED = "false";
// Route the NodeSDK's default (env-configured) log exporter to our receiver too.
process.env.OTEL_EXPORTER_OTLP_ENDPOINT = otlpBase;
// Keep the machine's host.id / host.name out of the fixture.
process.env.OTEL_NODE_RESOURCE_DETECTORS = "env,process";

// Imported dynamically so that the env above is in place first.
const traceloop = await import("@traceloop/node-server-sdk");
const { default: OpenAI } = await import("openai");

traceloop.initialize({
  appName: "openllmetry-js-recording",
  baseUrl: otlpBase,
  apiKey: "local-recording", // dummy, only sent as a header to the local receiver
  disableBatch: true,
  traceContent: true,
  traceloopSyncEnabled: false,
  silenceInitializationMessage: true,
  instrumentModules: { openAI: OpenAI },
});

const client = new OpenAI({
  baseURL: `http://127.0.0.1:${llmPort}/v1`,
  apiKey: "sk-local-recording",
  maxRetries: 0,
});

const tools = [
  {
    type: "function",
    function: {
      name: "get_weather",
      description: "Get the current weather for a city",
      parameters: {
        type: "object",
        properties: { city: { type: "string", description: "City name" } },
        required: ["city"],
      },
    },
  },
];

function getWeather({ city }) {
  return { city, temperature_c: 18, condition: "partly cloudy" };
}

const answer = await traceloop.withAssociationProperties(
  { user_id: "user-7", session_id: "session-42" },
  () =>
    traceloop.withWorkflow({ name: "answer_question" }, () =>
      traceloop.withAgent({ name: "weather_agent" }, async () => {
        const messages = [
          { role: "system", content: "You are a helpful weather assistant." },
          { role: "user", content: "What's the weather in Paris?" },
        ];
        const first = await client.chat.completions.create({
          model: "gpt-4o-mini",
          messages,
          tools,
        });
        const assistantMsg = first.choices[0].message;
        messages.push(assistantMsg);
        for (const call of assistantMsg.tool_calls ?? []) {
          const args = JSON.parse(call.function.arguments);
          const result = await traceloop.withTool(
            { name: "get_weather" },
            async (a) => getWeather(a),
            args,
          );
          messages.push({ role: "tool", tool_call_id: call.id, content: JSON.stringify(result) });
        }
        const second = await client.chat.completions.create({
          model: "gpt-4o-mini",
          messages,
          tools,
        });
        return second.choices[0].message.content;
      }),
    ),
);

await traceloop.forceFlush();
// Give any in-flight export a moment, then flush once more.
await new Promise((r) => setTimeout(r, 500));
await traceloop.forceFlush();

llmServer.close();
otlpServer.close();

const index = [];
const counters = {};
for (const r of otlpRequests) {
  const signal = r.url.replace(/^\/v1\//, "");
  counters[signal] = (counters[signal] ?? 0) + 1;
  const ext = (r.contentType ?? "").includes("protobuf") ? "otlp.pb" : "otlp.json";
  const stem = signal === "traces" ? "openllmetry-js-workflow" : `openllmetry-js-${signal}`;
  const file = `${stem}-${counters[signal]}.${ext}`;
  fs.writeFileSync(path.join(outDir, file), r.body);
  index.push({ file, url: r.url, contentType: r.contentType, contentEncoding: r.contentEncoding, userAgent: r.userAgent, bytes: r.body.length });
}
fs.writeFileSync(path.join(outDir, "index.json"), JSON.stringify(index, null, 2));
fs.writeFileSync(path.join(outDir, "llm-requests.json"), JSON.stringify(llmRequests, null, 2));
fs.writeFileSync(path.join(outDir, "outgoing.json"), JSON.stringify(outgoing, null, 2));

console.log("answer:", answer);
console.log("otlp requests:", index);
console.log("outgoing connections:", outgoing);
process.exit(0);
