using System.Text;
using Tollgate.Providers.Bedrock;

namespace Tollgate.Providers.Tests.Bedrock;

/// <summary>
/// AWS's published Signature Version 4 test suite (aws-sig-v4-test-suite, "Signature Version 4 Test Suite" of the AWS
/// General Reference, https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html; the files as kept in
/// bazelbuild/bazel third_party/aws-sig-v4-test-suite). Each case: the .req request, and the .authz / .creq / .sts
/// expected outputs, copied verbatim.
/// </summary>
public sealed class AwsSigV4SignerTests
{
    private static readonly AwsCredentials SuiteCredentials = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
    private static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    private const string SuiteSessionToken =
        "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

    public static TheoryData<string, string, string, string[], string, string> SuiteCases => new()
    {
        // name, method, path?query, headers (name:value), body, expected Authorization
        {
            "get-vanilla", "GET", "/", ["Host:example.amazonaws.com", "X-Amz-Date:20150830T123600Z"], string.Empty,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        },
        {
            "get-vanilla-query-order-key-case", "GET", "/?Param2=value2&Param1=value1", ["Host:example.amazonaws.com", "X-Amz-Date:20150830T123600Z"], string.Empty,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
        },
        {
            "get-vanilla-query-order-key", "GET", "/?Param1=value2&Param1=Value1", ["Host:example.amazonaws.com", "X-Amz-Date:20150830T123600Z"], string.Empty,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1"
        },
        {
            "get-header-value-trim", "GET", "/", ["Host:example.amazonaws.com", "My-Header1: value1", "My-Header2: \"a   b   c\"", "X-Amz-Date:20150830T123600Z"], string.Empty,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;my-header2;x-amz-date, Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"
        },
        {
            "get-header-key-duplicate", "GET", "/", ["Host:example.amazonaws.com", "My-Header1:value2", "My-Header1:value2", "My-Header1:value1", "X-Amz-Date:20150830T123600Z"], string.Empty,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"
        },
        {
            "get-unreserved", "GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", ["Host:example.amazonaws.com", "X-Amz-Date:20150830T123600Z"], string.Empty,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"
        },
        {
            "get-utf8", "GET", "/ሴ", ["Host:example.amazonaws.com", "X-Amz-Date:20150830T123600Z"], string.Empty,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"
        },
        {
            "get-space (normalize-path)", "GET", "/example space/", ["Host:example.amazonaws.com", "X-Amz-Date:20150830T123600Z"], string.Empty,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"
        },
        {
            "post-vanilla", "POST", "/", ["Host:example.amazonaws.com", "X-Amz-Date:20150830T123600Z"], string.Empty,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
        },
        {
            "post-x-www-form-urlencoded", "POST", "/", ["Content-Type:application/x-www-form-urlencoded", "Host:example.amazonaws.com", "X-Amz-Date:20150830T123600Z"], "Param1=value1",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"
        },
        {
            "post-sts-header-before (post-sts-token)", "POST", "/", ["Host:example.amazonaws.com", "X-Amz-Date:20150830T123600Z", "X-Amz-Security-Token:" + SuiteSessionToken], string.Empty,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"
        },
    };

    [Theory]
    [MemberData(nameof(SuiteCases))]
    public void Sign_SuiteVector_ProducesPublishedAuthorization(string name, string method, string target, string[] headers, string body, string expected)
    {
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? target : target[..question];
        var query = question < 0 ? string.Empty : target[(question + 1)..];

        var signature = AwsSigV4Signer.Sign(method, path, query, Headers(headers), Encoding.UTF8.GetBytes(body), SuiteCredentials, "us-east-1", "service", SuiteTime);

        Assert.True(expected == signature.Authorization, $"{name}: expected {expected}, got {signature.Authorization}");
    }

    [Fact]
    public void Sign_GetVanilla_CanonicalRequestAndStringToSignMatchSuiteFiles()
    {
        var signature = AwsSigV4Signer.Sign("GET", "/", string.Empty, Headers(["Host:example.amazonaws.com", "X-Amz-Date:20150830T123600Z"]), [], SuiteCredentials, "us-east-1", "service", SuiteTime);

        // get-vanilla.creq and get-vanilla.sts.
        Assert.Equal("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", signature.CanonicalRequest);
        Assert.Equal("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63", signature.StringToSign);
    }

    [Fact]
    public void Sign_HeaderValueTrim_CanonicalHeadersCollapseSpaces()
    {
        var signature = AwsSigV4Signer.Sign("GET", "/", string.Empty, Headers(["Host:example.amazonaws.com", "My-Header1: value1", "My-Header2: \"a   b   c\"", "X-Amz-Date:20150830T123600Z"]), [], SuiteCredentials, "us-east-1", "service", SuiteTime);

        // get-header-value-trim.creq.
        Assert.Equal("GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\nx-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", signature.CanonicalRequest);
    }

    [Theory]
    [InlineData("/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse", "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%253A0/converse")]
    [InlineData("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream", "/model/arn%253Aaws%253Abedrock%253Aus-east-1%253A123456789012%253Ainference-profile%252Fus.anthropic.claude-3-haiku-20240307-v1%253A0/converse-stream")]
    [InlineData("/model/amazon.titan-embed-text-v2%3A0/invoke", "/model/amazon.titan-embed-text-v2%253A0/invoke")]
    public void CanonicalUri_EncodedModelPath_IsEncodedTwiceForNonS3Services(string wirePath, string canonical)
    {
        Assert.Equal(canonical, AwsSigV4Signer.CanonicalUri(wirePath));
    }

    [Fact]
    public void AwsCredentials_ToString_NeverShowsTheSecret()
    {
        Assert.DoesNotContain("wJalr", new AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "token").ToString(), StringComparison.Ordinal);
    }

    private static List<KeyValuePair<string, string>> Headers(string[] lines) =>
        [.. lines.Select(l => new KeyValuePair<string, string>(l[..l.IndexOf(':', StringComparison.Ordinal)], l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..]))];
}
