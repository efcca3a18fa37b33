using Tollgate.Core.Limits;
using Tollgate.Core.Pricing;

namespace Tollgate.Core.Tests.Limits;

public sealed class ReservationCalculatorTests
{
    private static readonly ModelPrice Price = new() { Model = "m", Family = "test", Input = 2.50m, Output = 10.00m };

    [Fact]
    public void ForOpenAIChat_ReservesPromptPlusOutputLimitTimesChoices()
    {
        var calculator = new ReservationCalculator();

        var reservation = calculator.ForOpenAIChat("""{"model":"m","messages":[{"role":"user","content":"abcdef"}],"max_tokens":100,"n":2}"""u8, "m", Price);

        Assert.Equal(3 + 4 + 2, reservation.PromptTokens);
        Assert.Equal(200, reservation.OutputTokens);
        Assert.Equal(209, reservation.TotalTokens);
        Assert.Equal((9 * 2_500) + (200 * 10_000), reservation.CostNanoDollars); // $2.50/M = 2,500 nano per token
    }

    [Fact]
    public void ForAnthropicMessages_NoOutputLimit_UsesTheConfiguredDefault()
    {
        var calculator = new ReservationCalculator(options: new ReservationOptions { DefaultOutputTokens = 1_000 });

        var reservation = calculator.ForAnthropicMessages("""{"messages":[{"role":"user","content":"abc"}]}"""u8, "claude", null);

        Assert.Equal(1_000, reservation.OutputTokens);
        Assert.Null(reservation.CostNanoDollars); // unpriced
    }

    [Fact]
    public void ForOpenAIChat_NoOutputLimit_UsesThePerCallDefaultOverTheCalculators()
    {
        var calculator = new ReservationCalculator(options: new ReservationOptions { DefaultOutputTokens = 1_000 });

        var withDefault = calculator.ForOpenAIChat("""{"model":"m","messages":[{"role":"user","content":"abc"}],"n":3}"""u8, "m", null, defaultOutputTokens: 7);
        var withOwnLimit = calculator.ForOpenAIChat("""{"model":"m","messages":[{"role":"user","content":"abc"}],"max_tokens":20}"""u8, "m", null, defaultOutputTokens: 7);

        Assert.Equal(21, withDefault.OutputTokens);
        Assert.Equal(20, withOwnLimit.OutputTokens);
    }

    [Fact]
    public void ForOpenAIEmbeddings_HasNoOutput()
    {
        var embedding = new ModelPrice { Model = "e", Family = "test", Kind = ModelKind.Embedding, Input = 0.02m };

        var reservation = new ReservationCalculator().ForOpenAIEmbeddings("""{"input":"abcdef"}"""u8, "e", embedding);

        Assert.Equal(new Reservation(2, 0, 40), reservation);
    }

    [Fact]
    public void ForChat_UsesTheCatalogPrice()
    {
        var price = PriceCatalog.Default.Find(new PriceQuery("openai", "gpt-4o-mini", new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero)))!;
        var request = new Tollgate.Chat.ChatRequest { Model = "gpt-4o-mini", Messages = [Tollgate.Chat.ChatMessage.FromText(Tollgate.Chat.ChatRole.User, "Hello world")], MaxTokens = 10 };

        var reservation = new ReservationCalculator().ForChat(request, price);

        Assert.Equal(3 + 4 + 2, reservation.PromptTokens);
        Assert.Equal(CostCalculator.Calculate(price, 9, 0, 0, 10, 0).TotalNanoDollars, reservation.CostNanoDollars);
    }

    [Fact]
    public void Reservation_HugeOutputLimit_Saturates()
    {
        var reservation = new ReservationCalculator().Build(new PromptEstimate(10, long.MaxValue / 2, 4), null);

        Assert.Equal(long.MaxValue, reservation.OutputTokens);
        Assert.Equal(long.MaxValue, reservation.TotalTokens);
    }
}
