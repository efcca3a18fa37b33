using Tollgate.Core.Pricing;

namespace Tollgate.Core.Tests.Pricing;

public sealed class ModelIdMatcherTests
{
    [Theory]
    [InlineData("-20250929", true)]
    [InlineData("-2024-08-06", true)]
    [InlineData("-08-2024", true)]
    [InlineData("-2411", true)]
    [InlineData("-001", true)]
    [InlineData("-latest", true)]
    [InlineData("-20250929-v1:0", true)]
    [InlineData("-v2:0", true)]
    [InlineData("-v1", true)]
    [InlineData("@20250929", true)]
    [InlineData("@001", true)]
    [InlineData(":0", true)]
    [InlineData("-mini", false)]
    [InlineData("-5", false)]
    [InlineData("-1", false)]
    [InlineData("-5-20250929", false)]
    [InlineData("-preview-09-2025", false)]
    [InlineData("-latest-v1", false)]
    [InlineData("-2024-08", false)]
    [InlineData("-20250929-v1:0-x", false)]
    [InlineData("-", false)]
    [InlineData("@2025", false)]
    [InlineData(".1", false)]
    public void IsSnapshotSuffix_FollowsTheDocumentedForms(string suffix, bool expected)
    {
        Assert.Equal(expected, ModelIdMatcher.IsSnapshotSuffix(suffix));
    }

    [Theory]
    [InlineData("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic.claude-sonnet-4-5-20250929-v1:0")]
    [InlineData("global.anthropic.claude-haiku-4-5", "anthropic.claude-haiku-4-5")]
    [InlineData("models/gemini-2.5-pro", "gemini-2.5-pro")]
    [InlineData("  gpt-4o  ", "gpt-4o")]
    [InlineData("us.gpt", "us.gpt")]
    public void Normalize_StripsPathsAndCrossRegionPrefixes(string model, string expected)
    {
        Assert.Equal(expected, ModelIdMatcher.Normalize(model).ToString());
    }
}
