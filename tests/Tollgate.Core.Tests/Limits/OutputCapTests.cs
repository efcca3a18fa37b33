using Tollgate.Chat;
using Tollgate.Core.Limits;
using Tollgate.Core.Pipeline;

namespace Tollgate.Core.Tests.Limits;

public sealed class OutputCapTests
{
    [Fact]
    public void Add_UpToTheLimit_IsNotExceeded_OnePastIs()
    {
        var cap = new OutputCap(3);

        Assert.False(cap.Add(2));
        Assert.False(cap.Add(1));
        Assert.False(cap.Exceeded);
        Assert.True(cap.Add(1));
        Assert.Equal(4, cap.Counted);
    }

    [Fact]
    public void Pieces_CountsEachNonEmptyTextReasoningAndToolArgumentDelta()
    {
        var update = new ChatStreamUpdate
        {
            TextDelta = "a",
            ThinkingDelta = "b",
            ToolCalls = [new ToolCallUpdate(0, "call_1", "f", string.Empty), new ToolCallUpdate(1, null, null, "{")],
        };

        Assert.Equal(3, OutputCap.Pieces(update));
        Assert.Equal(0, OutputCap.Pieces(new ChatStreamUpdate { Role = ChatRole.Assistant, TextDelta = string.Empty, FinishReason = FinishReason.Stop }));
    }

    [Fact]
    public void UsageAtCut_PrefersReportedInputElseThePromptEstimate()
    {
        var cap = new OutputCap(2, promptEstimate: 40);
        cap.Add(3);

        var estimated = cap.UsageAtCut(reported: null);
        var reported = cap.UsageAtCut(new ChatUsage { InputTokens = 25, CachedInputTokens = 5, OutputTokens = 1 });

        Assert.Equal((40, 3), (estimated.InputTokens, estimated.OutputTokens));
        Assert.Equal((25, 5, 3), (reported.InputTokens, reported.CachedInputTokens, reported.OutputTokens));
    }

    [Fact]
    public void For_OnlyARequestThatReservedOutput_GetsACap()
    {
        Assert.Null(OutputCap.For(Context(reservation: null)));
        Assert.Null(OutputCap.For(Context(new Reservation(10, 0, null))));
        Assert.Null(OutputCap.For(Context(new Reservation(10, long.MaxValue, null))));

        var cap = OutputCap.For(Context(new Reservation(10, 300, 5)));

        Assert.NotNull(cap);
        Assert.Equal((300, 10), (cap.Limit, cap.PromptEstimate));
    }

    [Fact]
    public void UpstreamMaxTokens_IsTheReservedOutputPerChoice_OnlyWhenTheRequestSetNone()
    {
        var context = Context(new Reservation(10, 300, null));

        Assert.Equal(100, OutputCap.UpstreamMaxTokens(context, requestMaxTokens: null, choices: 3));
        Assert.Equal(300, OutputCap.UpstreamMaxTokens(context, requestMaxTokens: null, choices: null));
        Assert.Null(OutputCap.UpstreamMaxTokens(context, requestMaxTokens: 50, choices: 1));
        Assert.Null(OutputCap.UpstreamMaxTokens(Context(reservation: null), requestMaxTokens: null, choices: 1));
    }

    [Fact]
    public void Constructor_RejectsANonPositiveLimit() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new OutputCap(0));

    private static GatewayContext Context(Reservation? reservation) => new()
    {
        RequestId = "r",
        Surface = Tollgate.Providers.WireFormat.OpenAI,
        Operation = Tollgate.Providers.ApiOperation.Chat,
        Snapshot = null!,
        Reservation = reservation,
    };
}
