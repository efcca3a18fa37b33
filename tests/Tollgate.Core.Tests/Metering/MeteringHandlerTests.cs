using Microsoft.Extensions.Time.Testing;
using Tollgate.Chat;
using Tollgate.Core.Errors;
using Tollgate.Core.Keys;
using Tollgate.Core.Metering;
using Tollgate.Core.Tests.Testing;
using Tollgate.Providers;

namespace Tollgate.Core.Tests.Metering;

public sealed class MeteringHandlerTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset Start = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly RecordingSink _sink = new();

    [Fact]
    public async Task InvokeAsync_Success_WritesOneRecordWithUsageAndTimings()
    {
        var context = TestGateway.Context(model: "gpt-4o", start: _time.GetTimestamp());
        context.Caller = new CallerIdentity("key_1", IsAdmin: false);
        context.Stream = true;
        var usage = new ChatUsage { InputTokens = 10, OutputTokens = 5 };

        await Handler().InvokeAsync(context, c =>
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            c.FirstTokenTimestamp = _time.GetTimestamp();
            _time.Advance(TimeSpan.FromMilliseconds(400));
            c.Usage = usage;
            return Task.CompletedTask;
        }).WaitAsync(TestTimeout);

        var record = Assert.Single(_sink.Records);
        Assert.Equal("req_1", record.RequestId);
        Assert.Equal("key_1", record.KeyId);
        Assert.Equal("gpt-4o", record.RequestedModel);
        Assert.Equal(ApiOperation.Chat, record.Operation);
        Assert.True(record.Stream);
        Assert.Equal(usage, record.Usage);
        Assert.Equal(200, record.StatusCode);
        Assert.Null(record.ErrorType);
        Assert.Equal(TimeSpan.FromMilliseconds(500), record.Latency);
        Assert.Equal(TimeSpan.FromMilliseconds(100), record.TimeToFirstToken);
        Assert.Equal(Start, record.Time);
    }

    [Fact]
    public async Task InvokeAsync_GatewayException_RecordsItsStatusAndTypeAndRethrows()
    {
        var context = TestGateway.Context(model: "nope");

        var ex = await Assert.ThrowsAsync<GatewayException>(() => Handler().InvokeAsync(context, _ => throw GatewayException.ModelNotFound("nope")).WaitAsync(TestTimeout));

        Assert.Equal(404, ex.StatusCode);
        var record = Assert.Single(_sink.Records);
        Assert.Equal(404, record.StatusCode);
        Assert.Equal("invalid_request_error", record.ErrorType);
        Assert.Equal("unknown", record.KeyId);
        Assert.Null(record.Provider);
    }

    [Theory]
    [InlineData("rate_limit_error", "rate_limit_error")]
    [InlineData(null, "api_error")]
    public async Task InvokeAsync_ProviderException_RecordsUpstreamStatusAndType(string? type, string expectedType)
    {
        var context = TestGateway.Context(model: "gpt-4o");

        await Assert.ThrowsAsync<ProviderException>(() => Handler().InvokeAsync(context, _ =>
            throw new ProviderException(ProviderErrorKind.Upstream, 429, "slow down") { ErrorType = type }).WaitAsync(TestTimeout));

        var record = Assert.Single(_sink.Records);
        Assert.Equal(429, record.StatusCode);
        Assert.Equal(expectedType, record.ErrorType);
    }

    [Fact]
    public async Task InvokeAsync_ClientCancelled_Records499()
    {
        using var aborted = new CancellationTokenSource();
        var context = TestGateway.Context(model: "gpt-4o", aborted: aborted.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Handler().InvokeAsync(context, async c =>
        {
            await aborted.CancelAsync();
            c.RequestAborted.ThrowIfCancellationRequested();
        }).WaitAsync(TestTimeout));

        var record = Assert.Single(_sink.Records);
        Assert.Equal(499, record.StatusCode);
        Assert.Equal("client_closed_request", record.ErrorType);
    }

    [Fact]
    public async Task InvokeAsync_CancellationNotFromClient_Records500()
    {
        var context = TestGateway.Context(model: "gpt-4o");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Handler().InvokeAsync(context, _ => throw new OperationCanceledException()).WaitAsync(TestTimeout));

        var record = Assert.Single(_sink.Records);
        Assert.Equal(500, record.StatusCode);
        Assert.Equal("api_error", record.ErrorType);
    }

    [Fact]
    public async Task InvokeAsync_UnexpectedException_Records500()
    {
        var context = TestGateway.Context(model: "gpt-4o");

        await Assert.ThrowsAsync<InvalidOperationException>(() => Handler().InvokeAsync(context, _ => throw new InvalidOperationException("bug")).WaitAsync(TestTimeout));

        var record = Assert.Single(_sink.Records);
        Assert.Equal(500, record.StatusCode);
        Assert.Equal("api_error", record.ErrorType);
    }

    private MeteringHandler Handler() => new(_sink, _time);

    private sealed class RecordingSink : IUsageSink
    {
        public List<UsageRecord> Records { get; } = [];

        public bool TryWrite(UsageRecord record)
        {
            Records.Add(record);
            return true;
        }
    }
}
