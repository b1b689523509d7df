namespace Releasy.Api.Http;

public static class HeadRequests
{
    /// <summary>
    /// Every GET route answers HEAD too (contract 1.1), as the original's router did: the GET handler runs
    /// and Kestrel sends its status and headers without the body. A 405 then lists HEAD in <c>Allow</c>.
    /// </summary>
    public static TBuilder AnswerHeadOnGet<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        // Finally: after every endpoint's own conventions, so that a method set with WithMetadata is seen too.
        builder.Finally(endpoint =>
        {
            var methods = endpoint.Metadata.OfType<IHttpMethodMetadata>().LastOrDefault();
            if (methods is not null && methods.HttpMethods.Contains(HttpMethods.Get) && !methods.HttpMethods.Contains(HttpMethods.Head))
            {
                endpoint.Metadata.Add(new HttpMethodMetadata([.. methods.HttpMethods, HttpMethods.Head], methods.AcceptCorsPreflight));
            }
        });
        return builder;
    }
}
