using System.Globalization;
using System.Text;

// Routes (POST, any body):
//   /delay/v1/chat/completions  a fixed chat.completion after DELAY_MS (default 200) milliseconds.
//   /slow/v1/chat/completions   an SSE stream: one chat.completion.chunk every SLOW_INTERVAL_MS (default 1000) for up to
//                               SLOW_CHUNKS (default 120) chunks, then [DONE]; stops early when the client goes away.
var delay = TimeSpan.FromMilliseconds(ReadInt("DELAY_MS", 200));
var interval = TimeSpan.FromMilliseconds(ReadInt("SLOW_INTERVAL_MS", 1000));
var chunks = ReadInt("SLOW_CHUNKS", 120);

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxConcurrentConnections = null);
var app = builder.Build();

var completion = Encoding.UTF8.GetBytes(
    """{"id":"chatcmpl-delay","object":"chat.completion","created":1741569952,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"The earliest flight leaves Lisbon at 06:05 and lands in Berlin at 10:20.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":612,"completion_tokens":21,"total_tokens":633},"system_fingerprint":"fp_06737a9306"}""");
var chunk = Encoding.UTF8.GetBytes(
    "data: {\"id\":\"chatcmpl-slow\",\"object\":\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tick \"},\"finish_reason\":null}]}\n\n");
var done = "data: [DONE]\n\n"u8.ToArray();

app.MapPost("/delay/v1/chat/completions", async (HttpContext http) =>
{
    await Task.Delay(delay, http.RequestAborted);
    http.Response.ContentType = "application/json";
    http.Response.ContentLength = completion.Length;
    await http.Response.Body.WriteAsync(completion, http.RequestAborted);
});

app.MapPost("/slow/v1/chat/completions", async (HttpContext http) =>
{
    var ct = http.RequestAborted;
    http.Response.ContentType = "text/event-stream";
    await http.Response.StartAsync(ct);
    try
    {
        for (var i = 0; i < chunks; i++)
        {
            await http.Response.Body.WriteAsync(chunk, ct);
            await http.Response.Body.FlushAsync(ct);
            await Task.Delay(interval, ct);
        }

        await http.Response.Body.WriteAsync(done, ct);
    }
    catch (OperationCanceledException)
    {
        // The client went away: nothing more to send.
    }
});

app.MapGet("/healthz", () => "ok");
await app.RunAsync();

static int ReadInt(string name, int fallback) =>
    int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
