enum later;
struct holder { enum later *p; int x; };
struct holder h;
enum later { A = 1, B = 2 };
enum never;
struct other { enum never *q; };
struct other o;
char LICENSE[] __attribute__((section("license"), used)) = "GPL";
