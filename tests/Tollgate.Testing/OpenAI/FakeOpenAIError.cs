namespace Tollgate.Testing.OpenAI;

/// <summary>An error answer in OpenAI's shape: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal sealed record FakeOpenAIError(int Status, string Message, string Type, string? Param = null, string? Code = null)
{
    public static FakeOpenAIError InvalidJson { get; } = new(
        400,
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. "
        + "The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, "
        + "please contact us through our help center at help.openai.com.)",
        "invalid_request_error");

    public static FakeOpenAIError MissingModel { get; } = new(400, "you must provide a model parameter", "invalid_request_error");

    public static FakeOpenAIError MissingApiKey { get; } = new(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth "
        + "(i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your "
        + "browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.",
        "invalid_request_error");

    public static FakeOpenAIError IncorrectApiKey(string key) => new(
        401,
        $"Incorrect API key provided: {Mask(key)}. You can find your API key at https://platform.openai.com/account/api-keys.",
        "invalid_request_error",
        Code: "invalid_api_key");

    public static FakeOpenAIError MissingParameter(string name) =>
        new(400, $"Missing required parameter: '{name}'.", "invalid_request_error", name, "missing_required_parameter");

    public static FakeOpenAIError InvalidType(string name, string expected, string got) =>
        new(400, $"Invalid type for '{name}': expected {expected}, but got {got} instead.", "invalid_request_error", name, "invalid_type");

    public static FakeOpenAIError InvalidValue(string name, string message) =>
        new(400, message, "invalid_request_error", name, "invalid_value");

    public static FakeOpenAIError RateLimited(string model) => new(
        429,
        $"Rate limit reached for {model} in organization org-fake on requests per min (RPM): Limit 60, Used 60, Requested 1. "
        + "Please try again in 2s. Visit https://platform.openai.com/account/rate-limits to learn more.",
        "requests",
        Code: "rate_limit_exceeded");

    public static FakeOpenAIError ServerError { get; } =
        new(500, "The server had an error while processing your request. Sorry about that!", "server_error");

    public static FakeOpenAIError Overloaded { get; } =
        new(503, "The server is overloaded or not ready yet.", "server_error");

    public static FakeOpenAIError InvalidUrl(string method, string path) =>
        new(404, $"Invalid URL ({method} {path})", "invalid_request_error");

    /// <summary>Shows the first six characters, as OpenAI does: <c>sk-wro***</c>.</summary>
    private static string Mask(string key) => (key.Length > 6 ? key[..6] : key) + "***";
}
