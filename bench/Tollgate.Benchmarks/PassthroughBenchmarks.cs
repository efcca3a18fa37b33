using BenchmarkDotNet.Attributes;
using Tollgate.Core.Sse;
using Tollgate.Providers.OpenAI;
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

    /// <summary>
    /// Read the 200-chunk stream event by event and run the relay's usage scan on each: the cheap
    /// <c>"usage":{</c> check (a copy of the relay's private one), then <see cref="OpenAIUsageReader.TryRead"/> where it hits.
    /// </summary>
    [Benchmark]
    public async Task<long> RelayStreamWithUsageScan()
    {
        using var body = new MemoryStream(_stream, writable: false);
        await using var reader = new SseReader(body);
        long relayed = 0;
        while (await reader.ReadAsync(CancellationToken.None))
        {
            if (reader.HasData && ContainsUsageObject(reader.Data.Span) &&
                OpenAIUsageReader.TryRead(reader.Data.Span, out var usage, out _))
            {
                relayed += usage.OutputTokens;
            }

            relayed += reader.RawEvent.Length;
        }

        return relayed;
    }

    private static bool ContainsUsageObject(ReadOnlySpan<byte> data)
    {
        var at = data.IndexOf("\"usage\""u8);
        if (at < 0)
        {
            return false;
        }

        var rest = data[(at + 7)..].TrimStart(" \t\r\n"u8);
        if (rest.IsEmpty || rest[0] != (byte)':')
        {
            return false;
        }

        rest = rest[1..].TrimStart(" \t\r\n"u8);
        return !rest.IsEmpty && rest[0] == (byte)'{';
    }
}
