using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Tollgate.Core.Sse;
using Tollgate.Server.Endpoints.OpenAI;

namespace Tollgate.Benchmarks;

/// <summary>The same-format fast path: what the relay does to a request body and to each streamed event.</summary>
[MemoryDiagnoser]
public class PassthroughBenchmarks
{
    private readonly byte[] _request = Payloads.ChatRequest;
    private readonly byte[] _stream = Payloads.OpenAIStream;

    /// <summary>Scan the request (validation, model position) and rewrite the model with <c>include_usage</c> injected.</summary>
    [Benchmark]
    public byte[] ScanAndRewriteRequest()
    {
        var scan = OpenAIRequestScanner.Scan(_request, requireMessages: true);
        return PassthroughRelay.RewriteBody(_request, scan, "gpt-4o-mini", injectUsage: scan.Stream && !scan.HasStreamOptions);
    }

    /// <summary>The pass-through relay over the 200-chunk stream: event boundaries, the usage chunk read and hidden, bytes written to a sink.</summary>
    [Benchmark]
    public async Task<long> RelayStream()
    {
        using var body = new MemoryStream(_stream, writable: false);
        var sink = PipeWriter.Create(Stream.Null);
        var relay = new SseEventRelay();
        await relay.RelayAsync(body, sink, hideUsageChunk: true, TimeProvider.System, CancellationToken.None);
        await sink.CompleteAsync();
        return relay.Usage!.OutputTokens;
    }

    /// <summary>The event-by-event SSE reader the translators use, over the same stream.</summary>
    [Benchmark]
    public async Task<long> SseReaderEvents()
    {
        using var body = new MemoryStream(_stream, writable: false);
        await using var reader = new SseReader(body);
        long bytes = 0;
        while (await reader.ReadAsync(CancellationToken.None))
        {
            bytes += reader.Data.Length;
        }

        return bytes;
    }
}
