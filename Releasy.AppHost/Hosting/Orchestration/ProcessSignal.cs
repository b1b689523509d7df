namespace Releasy.AppHost.Hosting.Orchestration;

public enum ProcessSignal
{
    /// <summary>SIGTERM: .NET hosts stop gracefully.</summary>
    Terminate,

    /// <summary>SIGINT: PostgreSQL's "fast" shutdown (SIGTERM would wait for every client to leave).</summary>
    Interrupt,
}
