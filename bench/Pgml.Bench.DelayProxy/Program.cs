// A TCP proxy that delays every byte by a fixed time in each direction: the benchmark's network delay, since this
// kernel has no tc netem. It sits in the application's network namespace at the end of the veth from the client (or
// in front of Redis) and forwards to the real server.
//
//   Pgml.Bench.DelayProxy --delay-us 500 --route 10.77.1.1:16432=127.0.0.1:55433 [--route LISTEN=CONNECT ...]
//                         [--spin-us 0]
//
// One-way delay D (microseconds): a chunk read at time t is written on at t + D, so a request/response exchange
// gains 2D of round trip. One thread runs everything: an epoll loop (level-triggered, non-blocking sockets) that
// reads whatever is ready, stamps it with its deadline and appends it to one FIFO (with a constant delay, arrival
// order is deadline order, across all connections), and writes out every chunk whose deadline has passed. It
// sleeps in epoll_pwait2 with a nanosecond timeout until the next deadline or the next arrival, with its timer
// slack set to 1 ns; nothing spins unless --spin-us asks to wake that much early and spin to the deadline (more
// accurate on a VM whose timer wake-ups are slow, at the cost of CPU). At start it measures how late a timed wait
// wakes up (the median of 200 waits of 200 us) and wakes that much early, so the added delay is right on average
// (--no-calibrate turns it off). Chunks keep their order per direction, and
// pipelined traffic is not delayed twice. End of stream is forwarded (shutdown) after the same delay.
// Prints "ready" on stdout when every listener is bound. Stops on SIGTERM/SIGINT. Linux x86_64 only (epoll_event
// layout).

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Pgml.Bench.DelayProxy;

long delayNs = 0, spinNs = 0;
bool calibrate = true;
var routes = new List<(IPEndPoint Listen, IPEndPoint Connect)>();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--delay-us" when i + 1 < args.Length:
            delayNs = (long)(double.Parse(args[++i], CultureInfo.InvariantCulture) * 1000);
            break;
        case "--spin-us" when i + 1 < args.Length:
            spinNs = (long)(double.Parse(args[++i], CultureInfo.InvariantCulture) * 1000);
            break;
        case "--no-calibrate":
            calibrate = false;
            break;
        case "--route" when i + 1 < args.Length:
            string[] parts = args[++i].Split('=');
            if (parts.Length != 2) return Usage($"bad route {args[i]}");
            routes.Add((IPEndPoint.Parse(parts[0]), IPEndPoint.Parse(parts[1])));
            break;
        default:
            return Usage($"unknown argument {args[i]}");
    }
}
if (routes.Count == 0) return Usage("no --route");
if (RuntimeInformation.ProcessArchitecture != Architecture.X64) return Usage("x86_64 only (epoll_event layout)");

var proxy = new Proxy(delayNs, spinNs);
long lateNs = calibrate && delayNs > 0 ? proxy.Calibrate() : 0;
foreach (var (listen, connect) in routes)
    proxy.AddRoute(listen, connect);
Console.WriteLine($"ready: one-way delay {delayNs / 1000.0} us, spin {spinNs / 1000.0} us, " +
                  $"timed waits end {lateNs / 1000.0} us early (measured lateness); " +
                  string.Join(", ", routes.Select(r => $"{r.Listen} -> {r.Connect}")));
Console.Out.Flush();

using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; proxy.Stop(); });
using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; proxy.Stop(); });
proxy.Run();
Console.WriteLine($"stopped: {proxy.Connections} connections, {proxy.Chunks} chunks forwarded");
return 0;

static int Usage(string message)
{
    Console.Error.WriteLine($"Pgml.Bench.DelayProxy: {message}\n" +
                            "usage: Pgml.Bench.DelayProxy --delay-us MICROSECONDS [--spin-us MICROSECONDS] " +
                            "--route LISTEN_IP:PORT=CONNECT_IP:PORT [...]");
    return 2;
}

namespace Pgml.Bench.DelayProxy
{
    internal sealed class Proxy(long delayNs, long spinNs)
    {
        private sealed class Side
        {
            public required Socket Socket;
            public required int Id;
            public Side Peer = null!;
            public bool ReadDone;     // EOF or error read from this side (deregistered)
            public bool WriteDone;    // shutdown(SHUT_WR) sent to this side
            public bool Closed;
        }

        private readonly record struct Chunk(long Due, Side Target, byte[]? Data, int Length);

        private readonly int _epoll = Native.EpollCreate();
        private readonly Dictionary<int, (Socket Listener, IPEndPoint Target)> _listeners = [];
        private readonly Dictionary<int, Side> _sides = [];
        private readonly Queue<Chunk> _fifo = new();
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _nextId = 1;
        private long _earlyNs;
        private volatile bool _stop;

        /// <summary>Median lateness of a 200 us timed wait on an empty epoll set; later waits end that much early.</summary>
        public long Calibrate()
        {
            Native.LowerTimerSlack();
            var events = new Native.EpollEvent[1];
            var late = new long[200];
            for (int i = 0; i < late.Length; i++)
            {
                long start = Native.NowNs();
                Native.EpollWait(_epoll, events, 200_000);
                late[i] = Native.NowNs() - start - 200_000;
            }
            Array.Sort(late);
            _earlyNs = Math.Clamp(late[late.Length / 2], 0, delayNs / 2);
            return _earlyNs;
        }

        public long Connections { get; private set; }
        public long Chunks { get; private set; }

        public void AddRoute(IPEndPoint listen, IPEndPoint connect)
        {
            var l = new Socket(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            l.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            l.Bind(listen);
            l.Listen(1024);
            l.Blocking = false;
            int id = _nextId++;
            _listeners[id] = (l, connect);
            Native.EpollAdd(_epoll, (int)l.Handle, Native.EPOLLIN, id);
        }

        public void Stop() => _stop = true;

        public void Run()
        {
            Native.LowerTimerSlack();
            var events = new Native.EpollEvent[256];
            while (!_stop)
            {
                long timeout = 100_000_000;   // look at the stop flag ten times a second
                if (_fifo.Count > 0)
                {
                    long wait = _fifo.Peek().Due - Native.NowNs() - Math.Max(spinNs, _earlyNs);
                    timeout = Math.Clamp(wait, 0, timeout);
                }
                int n = Native.EpollWait(_epoll, events, timeout);
                long now = Native.NowNs();
                for (int i = 0; i < n; i++)
                {
                    int id = (int)events[i].Data;
                    if (_listeners.TryGetValue(id, out var route))
                        Accept(route.Listener, route.Target);
                    else if (_sides.TryGetValue(id, out var side))
                        Read(side, now);
                }
                if (spinNs > 0 && _fifo.Count > 0)
                {
                    long due = _fifo.Peek().Due;
                    if (due - Native.NowNs() <= spinNs)
                        while (Native.NowNs() < due) Thread.SpinWait(20);
                }
                Flush(Native.NowNs());
            }
            foreach (var (l, _) in _listeners.Values) l.Dispose();
            foreach (var s in _sides.Values) s.Socket.Dispose();
        }

        private void Accept(Socket listener, IPEndPoint target)
        {
            while (true)
            {
                Socket client;
                try { client = listener.Accept(); }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock) { return; }
                var server = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    server.Connect(target);   // blocking: the targets are local servers
                }
                catch (SocketException e)
                {
                    Console.Error.WriteLine($"connect to {target} failed: {e.Message}");
                    client.Dispose();
                    server.Dispose();
                    continue;
                }
                Connections++;
                var a = new Side { Socket = client, Id = _nextId++ };
                var b = new Side { Socket = server, Id = _nextId++ };
                a.Peer = b;
                b.Peer = a;
                foreach (var s in (Side[])[a, b])
                {
                    s.Socket.Blocking = false;
                    s.Socket.NoDelay = true;
                    _sides[s.Id] = s;
                    Native.EpollAdd(_epoll, (int)s.Socket.Handle, Native.EPOLLIN, s.Id);
                }
            }
        }

        private void Read(Side side, long now)
        {
            if (side.Closed || side.ReadDone) return;
            int n = side.Socket.Receive(_buffer, 0, _buffer.Length, SocketFlags.None, out SocketError error);
            if (error == SocketError.WouldBlock) return;
            if (n > 0 && error == SocketError.Success)
            {
                _fifo.Enqueue(new Chunk(now + delayNs, side.Peer, _buffer.AsSpan(0, n).ToArray(), n));
                return;
            }
            // end of stream (n == 0) or an error: stop reading this side; pass the end on after the delay
            side.ReadDone = true;
            Native.EpollDelete(_epoll, (int)side.Socket.Handle);
            _fifo.Enqueue(new Chunk(now + delayNs, side.Peer, null, error == SocketError.Success ? 0 : -1));
        }

        private void Flush(long now)
        {
            while (_fifo.Count > 0 && _fifo.Peek().Due <= now)
            {
                var c = _fifo.Dequeue();
                Side t = c.Target;
                if (t.Closed) continue;
                if (c.Length < 0) { Close(t); continue; }
                if (c.Data is null)
                {
                    try { t.Socket.Shutdown(SocketShutdown.Send); } catch (SocketException) { }
                    t.WriteDone = true;
                    if (t.Peer.WriteDone) Close(t);
                    continue;
                }
                if (!SendAll(t.Socket, c.Data, c.Length)) { Close(t); continue; }
                Chunks++;
            }
        }

        private static bool SendAll(Socket socket, byte[] data, int length)
        {
            int sent = 0;
            while (sent < length)
            {
                int n = socket.Send(data, sent, length - sent, SocketFlags.None, out SocketError error);
                if (error == SocketError.WouldBlock)
                {
                    socket.Poll(1_000_000, SelectMode.SelectWrite);   // the peer is slow to read: rare here
                    continue;
                }
                if (error != SocketError.Success) return false;
                sent += n;
            }
            return true;
        }

        private void Close(Side s)
        {
            foreach (var x in (Side[])[s, s.Peer])
            {
                if (x.Closed) continue;
                x.Closed = true;
                if (!x.ReadDone) Native.EpollDelete(_epoll, (int)x.Socket.Handle);
                _sides.Remove(x.Id);
                x.Socket.Dispose();
            }
        }
    }

    internal static unsafe class Native
    {
        public const uint EPOLLIN = 0x001;
        private const int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2;
        private const int CLOCK_MONOTONIC = 1, PR_SET_TIMERSLACK = 29;

        [StructLayout(LayoutKind.Sequential, Pack = 4)]
        public struct EpollEvent { public uint Events; public ulong Data; }

        [StructLayout(LayoutKind.Sequential)]
        private struct Timespec { public long Sec; public long Nsec; }

        [DllImport("libc", SetLastError = true)] private static extern int epoll_create1(int flags);
        [DllImport("libc", SetLastError = true)] private static extern int epoll_ctl(int epfd, int op, int fd, EpollEvent* ev);
        [DllImport("libc", SetLastError = true)] private static extern int epoll_pwait2(int epfd, EpollEvent* events, int maxevents, Timespec* timeout, void* sigmask);
        [DllImport("libc")] private static extern int clock_gettime(int clock, Timespec* ts);
        [DllImport("libc")] private static extern int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

        public static int EpollCreate()
        {
            int fd = epoll_create1(0x80000 /* EPOLL_CLOEXEC */);
            if (fd < 0) throw new InvalidOperationException($"epoll_create1: errno {Marshal.GetLastPInvokeError()}");
            return fd;
        }

        public static void EpollAdd(int ep, int fd, uint events, int id)
        {
            var ev = new EpollEvent { Events = events, Data = (ulong)id };
            if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0)
                throw new InvalidOperationException($"epoll_ctl ADD: errno {Marshal.GetLastPInvokeError()}");
        }

        public static void EpollDelete(int ep, int fd)
        {
            var ev = default(EpollEvent);
            epoll_ctl(ep, EPOLL_CTL_DEL, fd, &ev);
        }

        public static int EpollWait(int ep, EpollEvent[] events, long timeoutNs)
        {
            var ts = new Timespec { Sec = timeoutNs / 1_000_000_000L, Nsec = timeoutNs % 1_000_000_000L };
            fixed (EpollEvent* p = events)
            {
                int n = epoll_pwait2(ep, p, events.Length, &ts, null);
                if (n >= 0) return n;
                int errno = Marshal.GetLastPInvokeError();
                if (errno == 4) return 0;   // EINTR
                throw new InvalidOperationException($"epoll_pwait2: errno {errno}");
            }
        }

        public static long NowNs()
        {
            Timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            return ts.Sec * 1_000_000_000L + ts.Nsec;
        }

        /// <summary>Timer slack of this thread down to 1 ns (the default 50 us would blur 100 us delays).</summary>
        public static void LowerTimerSlack() => prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0);
    }
}
