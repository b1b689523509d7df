using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The transport's output as Kestrel sees it. Kestrel commits a response head with one <c>Advance</c> and sends it
/// with the next flush; when the first commit after a flush is a small HTTP/1.x error head, it is held back until
/// that flush and replaced there if it is Kestrel's own bodiless error. Everything else passes through untouched.
/// </summary>
internal sealed class ServerErrorPipeWriter(PipeWriter inner, Func<int, string, string> envelope) : PipeWriter
{
    private const int MaxHeadLength = 1024;
    private const string EndOfHead = "\r\n\r\n";

    private Memory<byte> _handedOut;
    private byte[]? _held;
    private bool _flushed = true;

    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.UnflushedBytes + (_held?.Length ?? 0);

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        Release();
        _handedOut = inner.GetMemory(sizeHint);
        return _handedOut;
    }

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public override void Advance(int bytes)
    {
        if (_flushed && _held is null && bytes <= MaxHeadLength && LooksLikeErrorHead(_handedOut.Span[..bytes]))
        {
            _held = _handedOut.Span[..bytes].ToArray();
        }
        else
        {
            Release();
            inner.Advance(bytes);
        }

        _flushed = false;
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_held is { } head)
        {
            _held = null;
            inner.Write(Rewrite(head) ?? head);
        }

        _flushed = true;
        return inner.FlushAsync(cancellationToken);
    }

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null)
    {
        Release();
        inner.Complete(exception);
    }

    public override ValueTask CompleteAsync(Exception? exception = null)
    {
        Release();
        return inner.CompleteAsync(exception);
    }

    private void Release()
    {
        if (_held is { } head)
        {
            _held = null;
            inner.Write(head);
        }
    }

    private static bool LooksLikeErrorHead(ReadOnlySpan<byte> bytes) =>
        bytes.Length > 13 && bytes.StartsWith("HTTP/1."u8) && bytes[9] is (byte)'4' or (byte)'5';

    /// <summary>The head with a JSON body, or null when it is not Kestrel's own bodiless error.</summary>
    private byte[]? Rewrite(byte[] head)
    {
        var text = Encoding.Latin1.GetString(head);
        if (!text.EndsWith(EndOfHead, StringComparison.Ordinal)
            || !text.Contains("\r\nContent-Length: 0\r\n", StringComparison.Ordinal)
            || !text.Contains("\r\nConnection: close\r\n", StringComparison.Ordinal)
            || text.Contains("\r\nContent-Type:", StringComparison.OrdinalIgnoreCase)
            || !int.TryParse(text.AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            return null;
        }

        var body = Encoding.UTF8.GetBytes(envelope(status, ServerErrorEnvelope.MessageFor(status)));
        var lines = text[..^EndOfHead.Length].Split("\r\n").Where(l => !l.StartsWith("Content-Length:", StringComparison.Ordinal));
        var rewritten = string.Join("\r\n", lines) + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.Length.ToString(CultureInfo.InvariantCulture) + EndOfHead;
        return [.. Encoding.Latin1.GetBytes(rewritten), .. body];
    }
}
