using Tollgate.Accounts;
using Tollgate.Core.Keys;

namespace Tollgate.Core.Tests.Keys;

public sealed class ModelAccessTests
{
    [Theory]
    [InlineData(new string[0], "gpt-4o", true)]
    [InlineData(new[] { "gpt-4o" }, "gpt-4o", true)]
    [InlineData(new[] { "gpt-4o" }, "gpt-4o-mini", false)]
    [InlineData(new[] { "gpt-4o*" }, "gpt-4o-mini", true)]
    [InlineData(new[] { "gpt-4o*" }, "gpt-4", false)]
    [InlineData(new[] { "*" }, "anything", true)]
    [InlineData(new[] { "claude-*", "gpt-5" }, "gpt-5", true)]
    [InlineData(new[] { "GPT-5" }, "gpt-5", false)]
    public void Matches_Patterns(string[] patterns, string model, bool expected) => Assert.Equal(expected, ModelAccess.Matches(patterns, model));

    [Fact]
    public void IsAllowed_KeyUserAndTeamListsAllApply()
    {
        var caller = new CallerIdentity("key_1", false)
        {
            Key = AccountFixtures.NewKey("k").Record with { Models = ["gpt-*"] },
            User = AccountFixtures.NewUser("u", null) with { Models = ["gpt-4o*", "gpt-5"] },
            Team = AccountFixtures.NewTeam("t") with { Models = ["gpt-4o-mini", "gpt-5", "claude"] },
        };

        Assert.True(ModelAccess.IsAllowed(caller, "gpt-4o-mini"));
        Assert.True(ModelAccess.IsAllowed(caller, "gpt-5"));
        Assert.False(ModelAccess.IsAllowed(caller, "gpt-4o"));
        Assert.False(ModelAccess.IsAllowed(caller, "claude"));
        Assert.Equal("The key's team may not use the model 'gpt-4o'.", ModelAccess.Explain(caller, "gpt-4o"));
        Assert.Equal("This key may not use the model 'claude'.", ModelAccess.Explain(caller, "claude"));
    }

    [Fact]
    public void IsAllowed_Master_EveryModel() => Assert.True(ModelAccess.IsAllowed(CallerIdentity.Master, "whatever"));

    [Fact]
    public void IsAllowed_EmptyLists_EveryModel()
    {
        var caller = new CallerIdentity("key_1", false) { Key = AccountFixtures.NewKey("k").Record, Role = KeyRole.User };

        Assert.True(ModelAccess.IsAllowed(caller, "any-model"));
    }
}
