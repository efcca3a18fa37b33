using Tollgate.Chat;
using Tollgate.Core.Limits;
using Tollgate.Core.Metering;
using Tollgate.Core.Pipeline;
using Tollgate.Providers;

namespace Tollgate.Core.Tests.Metering;

public sealed class BrokenStreamUsageTests
{
    private static readonly byte[] Body = """{"model":"m","stream":true,"messages":[{"role":"user","content":"count these words for me please"}]}"""u8.ToArray();

    [Fact]
    public void Estimate_ReportedInput_IsKeptAndOutputIsTheLargerOfPiecesAndReported()
    {
        var usage = BrokenStreamUsage.Estimate(Context(null), new ChatUsage { InputTokens = 40, CachedInputTokens = 10, OutputTokens = 1 }, outputPieces: 7);

        Assert.Equal((40, 10, 7), (usage.InputTokens, usage.CachedInputTokens, usage.OutputTokens));
    }

    [Fact]
    public void Estimate_NoReportedInput_UsesTheReservationsPromptEstimate()
    {
        var usage = BrokenStreamUsage.Estimate(Context(new Reservation(123, 4096, null)), reported: null, outputPieces: 2);

        Assert.Equal((123, 2), (usage.InputTokens, usage.OutputTokens));
    }

    [Fact]
    public void Estimate_NoReservation_CountsThePromptFromTheBody()
    {
        var expected = PromptTokenEstimator.Default.EstimateOpenAIChat(Body, "m").PromptTokens;

        var usage = BrokenStreamUsage.Estimate(Context(null), reported: null, outputPieces: 0);

        Assert.True(expected > 0);
        Assert.Equal(expected, usage.InputTokens);
        Assert.Equal(0, usage.OutputTokens);
    }

    private static GatewayContext Context(Reservation? reservation) => new()
    {
        RequestId = "r",
        Surface = WireFormat.OpenAI,
        Operation = ApiOperation.Chat,
        Snapshot = null!,
        Reservation = reservation,
        RequestBody = Body,
    };
}
