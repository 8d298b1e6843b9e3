namespace AccountabilityDsl.LanguageServer.Protocol;

/// <summary>
/// The server's input with a UTF-8 byte order mark before the first message dropped. LSP
/// headers are ASCII and a BOM is not part of the protocol, but a client that writes its pipe
/// through a UTF-8 writer with the default encoding (PowerShell, .NET's <c>Encoding.UTF8</c>,
/// some editors' process APIs) sends <c>EF BB BF</c> first; the header reader would take it for
/// part of a header name, find no <c>Content-Length</c>, and the server would answer nothing.
/// Only the very first bytes are looked at: a BOM anywhere else is a client error as before.
/// </summary>
internal sealed class LeadingByteOrderMarkSkipper(Stream inner) : Stream
{
    private static readonly byte[] ByteOrderMark = [0xEF, 0xBB, 0xBF];

    /// <summary>Bytes read while looking for the mark that turned out to be message bytes.</summary>
    private byte[] _pending = [];
    private int _pendingOffset;
    private bool _looked;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (!_looked)
        {
            var start = new byte[ByteOrderMark.Length];
            int read = 0;
            for (int next; (next = NextChunk(start, read)) > 0;)
            {
                int n = inner.Read(start, read, next);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            Looked(start, read);
        }

        return TakePending(buffer) is int taken and > 0 ? taken : inner.Read(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_looked)
        {
            var start = new byte[ByteOrderMark.Length];
            int read = 0;
            for (int next; (next = NextChunk(start, read)) > 0;)
            {
                int n = await inner.ReadAsync(start.AsMemory(read, next), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            Looked(start, read);
        }

        return TakePending(buffer.Span) is int taken and > 0 ? taken : await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// How many bytes to read next while looking for the mark: up to the whole mark at first, then
    /// one at a time, and none once the bytes stop matching, so that a client that sends a byte
    /// and waits for an answer is never waited for.
    /// </summary>
    private static int NextChunk(byte[] start, int read) =>
        read == 0 ? ByteOrderMark.Length
        : read < ByteOrderMark.Length && start.AsSpan(0, read).SequenceEqual(ByteOrderMark.AsSpan(0, read)) ? 1
        : 0;

    /// <summary>Keeps the first <paramref name="read"/> bytes unless they are exactly the mark.</summary>
    private void Looked(byte[] start, int read)
    {
        _looked = true;
        bool isMark = read == ByteOrderMark.Length && start.AsSpan().SequenceEqual(ByteOrderMark);
        _pending = isMark ? [] : start[..read];
    }

    private int TakePending(Span<byte> buffer)
    {
        int count = Math.Min(buffer.Length, _pending.Length - _pendingOffset);
        _pending.AsSpan(_pendingOffset, count).CopyTo(buffer);
        _pendingOffset += count;
        return count;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
