using System.IO.Pipelines;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Gives the errors Kestrel answers on its own (a malformed request line or header, 414, 431, 408…) the
/// service's JSON error body. Kestrel writes those responses before any middleware runs and offers no hook for
/// their body, so a connection filter watches what Kestrel sends and rewrites exactly that response: a lone
/// HTTP/1.x error head with <c>Content-Length: 0</c> and <c>Connection: close</c>.
/// </summary>
public static class ServerErrorEnvelope
{
    /// <summary>
    /// Adds the filter to one endpoint. Call it after <c>UseHttps</c>, so it sees the plain HTTP/1.x bytes.
    /// <paramref name="envelope"/> turns a status and a message into the JSON body.
    /// </summary>
    public static ListenOptions UseServerErrorEnvelope(this ListenOptions listen, Func<int, string, string> envelope)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(envelope);
        listen.Use(next => async connection =>
        {
            var transport = connection.Transport;
            connection.Transport = new DuplexPipe(transport.Input, new ServerErrorPipeWriter(transport.Output, envelope));
            try
            {
                await next(connection);
            }
            finally
            {
                connection.Transport = transport;
            }
        });
        return listen;
    }

    /// <summary>The message for an error status Kestrel raised by itself.</summary>
    public static string MessageFor(int status) => status switch
    {
        400 => "bad request",
        405 => "method not allowed",
        408 => "request timed out",
        411 => "length required",
        413 => "Failed to buffer the request body: length limit exceeded",
        414 => "request line too long",
        431 => "request headers too large",
        505 => "http version not supported",
        _ => "request failed",
    };

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
