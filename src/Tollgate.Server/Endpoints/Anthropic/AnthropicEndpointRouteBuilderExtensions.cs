namespace Tollgate.Server.Endpoints.Anthropic;

/// <summary>Maps the Anthropic Messages API. <c>/v1/models</c> is shared with the OpenAI surface and answers in the shape the client's headers ask for.</summary>
internal static class AnthropicEndpointRouteBuilderExtensions
{
    public static IEndpointRouteBuilder MapAnthropicEndpoints(this IEndpointRouteBuilder routes)
    {
        var messages = routes.ServiceProvider.GetRequiredService<MessagesEndpoint>();
        var countTokens = routes.ServiceProvider.GetRequiredService<CountTokensEndpoint>();

        // Both with and without the /v1 prefix, like the OpenAI routes.
        foreach (var prefix in new[] { "/v1", string.Empty })
        {
            routes.MapPost(prefix + "/messages", messages.HandleAsync);
            routes.MapPost(prefix + "/messages/count_tokens", countTokens.HandleAsync);
        }

        return routes;
    }
}
