package io.caravel.jepsen.report;

import io.caravel.jepsen.edn.Edn;
import io.caravel.jepsen.history.Event;
import io.caravel.jepsen.history.History;
import io.caravel.jepsen.history.Operation;
import io.caravel.jepsen.json.Json;
import io.caravel.jepsen.nemesis.FaultWindow;
import io.caravel.jepsen.run.CheckSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a run's self-contained HTML report: a summary, the checker's explanation, the faults, and a
 * per-client timeline of every operation (an SVG drawn by inline JavaScript from inline JSON) with
 * the fault periods shaded and, for a failure, the smallest failing window highlighted and listed.
 * The file has no external references (no network needed to view it).
 *
 * <p>Timeline rows are client workers: a worker acts as process {@code p}, then {@code p +
 * concurrency} after each {@code :info}, so the row of process {@code p} is {@code p mod
 * concurrency}; final-phase processes get their own rows. Operations are bars from invocation to
 * completion, green {@code :ok}, red {@code :fail}, amber {@code :info} (drawn to the end of the
 * history: its effect may happen any time later); hovering shows the details.
 */
public final class HtmlReport {

  private static final int VALUE_CHARS = 80;

  private HtmlReport() {}

  /**
   * Writes the report.
   *
   * @param file the output file
   * @param results the run's results (as in results.json)
   * @param events every recorded event
   * @param history the parsed history
   * @param check the checker's summary (its highlight lists event indices)
   * @param faults the faults injected
   */
  public static void write(Path file, Map<String, Object> results, List<Event> events, History history,
      CheckSummary check, List<FaultWindow> faults) throws IOException {
    Files.writeString(file, render(results, events, history, check, faults), StandardCharsets.UTF_8);
  }

  /** The report as HTML text. */
  public static String render(Map<String, Object> results, List<Event> events, History history,
      CheckSummary check, List<FaultWindow> faults) {
    Set<Integer> highlight = new HashSet<>(check.highlight());
    List<Map<String, Object>> ops = new ArrayList<>();
    long end = events.isEmpty() ? 1 : events.get(events.size() - 1).time();
    for (Operation op : history.operations()) {
      int ii = op.invokeLine() - 1;
      int ci = op.completeLine() - 1;
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("p", op.process());
      o.put("f", op.f());
      o.put("k", op.key() == null ? null : Edn.printAbbreviated(op.key(), VALUE_CHARS));
      o.put("in", op.input() == null ? null : Edn.printAbbreviated(op.input(), VALUE_CHARS));
      o.put("out", op.output() == null ? null : Edn.printAbbreviated(op.output(), VALUE_CHARS));
      o.put("o", op.outcome().name().toLowerCase(java.util.Locale.ROOT));
      o.put("s", ii >= 0 && ii < events.size() ? events.get(ii).time() : null);
      o.put("e", ci >= 0 && ci < events.size() ? events.get(ci).time() : null);
      o.put("l", List.of(op.invokeLine(), op.completeLine()));
      if (ii >= 0 && ii < events.size()) {
        o.put("n", events.get(ii).node());
      }
      if (ci >= 0 && ci < events.size() && events.get(ci).error() != null) {
        o.put("err", events.get(ci).error());
      }
      if (highlight.contains(ii) || highlight.contains(ci)) {
        o.put("h", true);
      }
      ops.add(o);
    }
    List<Map<String, Object>> fs = new ArrayList<>();
    for (FaultWindow w : faults) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("kind", w.kind().cliName());
      f.put("name", w.name());
      f.put("d", w.description());
      f.put("s", w.start());
      f.put("e", w.end() < 0 ? end : w.end());
      fs.add(f);
    }
    List<Map<String, Object>> marks = new ArrayList<>();
    for (Event e : events) {
      if (!e.isClient()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("t", e.time());
        m.put("f", e.f());
        m.put("v", e.value() == null ? "" : String.valueOf(e.value()));
        marks.add(m);
      }
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("meta", results);
    data.put("ops", ops);
    data.put("faults", fs);
    data.put("marks", marks);
    data.put("end", end);
    data.put("concurrency", results.getOrDefault("concurrency", 1));
    data.put("valid", check.validity().name());
    data.put("anomalies", check.anomalies());

    String title = "Caravel Jepsen run: " + results.getOrDefault("db", "?") + " " + results.getOrDefault("workload", "?")
        + " " + results.getOrDefault("nemesis", "?") + " — " + check.validity();
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(escape(title))
        .append("</title>\n<style>").append(CSS).append("</style></head><body>\n");
    sb.append("<h1>").append(escape(title)).append("</h1>\n");
    sb.append("<div id=\"summary\"></div>\n");
    sb.append("<h2>Checker</h2><pre class=\"checker ").append(check.validity().name().toLowerCase(java.util.Locale.ROOT))
        .append("\">").append(escape(check.text())).append("</pre>\n");
    sb.append("<div id=\"window\"></div>\n");
    sb.append("<h2>Timeline</h2><div class=\"controls\">zoom <input id=\"zoom\" type=\"range\" min=\"0\" max=\"100\" value=\"0\">"
        + " <span id=\"zoomlabel\"></span> <button id=\"tofail\">go to the failing window</button>"
        + " <span class=\"legend\"><i class=\"ok\"></i>ok <i class=\"fail\"></i>fail <i class=\"info\"></i>info (outcome unknown)"
        + " <i class=\"fault\"></i>fault <i class=\"hl\"></i>failing window</span></div>\n");
    sb.append("<div id=\"tip\"></div><div id=\"scroll\"><svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\"></svg></div>\n");
    sb.append("<h2>Faults</h2><div id=\"faults\"></div>\n");
    sb.append("<script id=\"data\" type=\"application/json\">").append(Json.write(data)).append("</script>\n");
    sb.append("<script>").append(JS).append("</script>\n</body></html>\n");
    return sb.toString();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static final String CSS = """
      body{font:13px/1.4 system-ui,sans-serif;margin:16px;color:#222}
      h1{font-size:18px} h2{font-size:15px;margin-top:18px}
      pre.checker{background:#f6f6f6;padding:8px;overflow:auto;max-height:320px;border-left:4px solid #999}
      pre.checker.valid{border-color:#2a2} pre.checker.invalid{border-color:#d22} pre.checker.unknown{border-color:#e90}
      table{border-collapse:collapse} td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
      #scroll{overflow:auto;border:1px solid #ccc;max-height:640px}
      #tip{position:fixed;display:none;background:#ffe;border:1px solid #aa8;padding:4px 6px;font:12px monospace;
        white-space:pre;pointer-events:none;z-index:10;max-width:640px}
      .legend i{display:inline-block;width:12px;height:10px;margin:0 3px 0 10px;vertical-align:middle}
      .legend .ok{background:#5b5} .legend .fail{background:#e77} .legend .info{background:#eb4}
      .legend .fault{background:rgba(120,120,255,.25)} .legend .hl{border:2px solid #d00;background:none}
      .badge{display:inline-block;padding:1px 6px;border-radius:3px;color:#fff;font-weight:bold}
      .VALID{background:#2a2} .INVALID{background:#d22} .UNKNOWN{background:#e90}
      tr.h td{background:#fee}
      """;

  private static final String JS = """
      (function(){
      const D=JSON.parse(document.getElementById('data').textContent);
      const M=D.meta, ops=D.ops, C=Math.max(1,D.concurrency|0);
      const esc=s=>String(s==null?'':s).replace(/[&<>"]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
      const sec=ns=>(ns/1e9).toFixed(3)+' s';
      // summary
      const h=M.history||{};
      let s='<table>';
      const row=(k,v)=>s+='<tr><th>'+esc(k)+'</th><td>'+v+'</td></tr>';
      row('verdict','<span class="badge '+D.valid+'">'+D.valid+'</span> '+esc((D.anomalies||[]).join(', '))+(M.live===false?' <span class="badge INVALID">not live after healing</span>':''));
      row('database',esc(M.db)+', '+esc(M.nodes)+' nodes, '+esc(M.network||''));
      row('workload',esc(M.workload)+', concurrency '+esc(M.concurrency)+', rate '+esc(M.rate)+'/s'+(M['unsafe-serializable-reads']?' <b>(unsafe serializable reads)</b>':''));
      row('nemesis',esc(M.nemesis)+' '+esc(JSON.stringify(M['fault-counts']||{})));
      row('time limit, seed',esc(M['time-limit-seconds'])+' s, seed '+esc(M.seed));
      row('history',esc(h.events)+' events, '+esc(h.operations)+' operations ('+esc(h.ok)+' ok, '+esc(h.fail)+' fail, '+esc(h.info)+' info)');
      row('started, wall time',esc(M.started)+', '+esc(M['wall-seconds'])+' s');
      row('load average',esc(M['load-average-before'])+' before, '+esc(M['load-average-after'])+' after');
      if(M['harness-error']) row('harness error',esc(M['harness-error']));
      document.getElementById('summary').innerHTML=s+'</table>';
      // faults table
      let f='<table><tr><th>start</th><th>end</th><th>fault</th><th>what</th></tr>';
      for(const x of D.faults) f+='<tr><td>'+sec(x.s)+'</td><td>'+sec(x.e)+'</td><td>'+esc(x.name)+'</td><td>'+esc(x.d)+'</td></tr>';
      f+='</table><h3>Nemesis events</h3><table>';
      for(const m of D.marks) f+='<tr><td>'+sec(m.t)+'</td><td>'+esc(m.f)+'</td><td>'+esc(m.v)+'</td></tr>';
      document.getElementById('faults').innerHTML=f+'</table>';
      // failing window table
      const hl=ops.filter(o=>o.h);
      if(hl.length){
        let w='<h2>Failing window ('+hl.length+' operations)</h2><table><tr><th>lines</th><th>process</th><th>node</th><th>op</th><th>key</th><th>value</th><th>result</th><th>invoked</th><th>completed</th></tr>';
        for(const o of hl) w+='<tr class="h"><td>'+o.l.join('–')+'</td><td>'+o.p+'</td><td>'+esc(o.n)+'</td><td>'+esc(o.f)+'</td><td>'+esc(o.k)+'</td><td>'+esc(o['in'])+'</td><td>'+esc(o.o)+' '+esc(o.out)+' '+esc(o.err||'')+'</td><td>'+sec(o.s)+'</td><td>'+(o.e==null?'—':sec(o.e))+'</td></tr>';
        document.getElementById('window').innerHTML=w+'</table>';
      }
      // rows
      const rowOf=p=>p>=1000000?C+(p-1000000):p%C;
      let rows=0; for(const o of ops) rows=Math.max(rows,rowOf(o.p)+1);
      const RH=14, LEFT=70, TOP=22, end=Math.max(1,D.end);
      const svg=document.getElementById('timeline'), NS='http://www.w3.org/2000/svg';
      const tip=document.getElementById('tip');
      const zoom=document.getElementById('zoom');
      function el(n,a,p){const e=document.createElementNS(NS,n);for(const k in a)e.setAttribute(k,a[k]);(p||svg).appendChild(e);return e;}
      function draw(){
        const width=Math.max(900,(document.getElementById('scroll').clientWidth-LEFT-20)*Math.pow(60,zoom.value/100));
        const x=t=>LEFT+t/end*width;
        document.getElementById('zoomlabel').textContent=(width/(end/1e9)).toFixed(1)+' px/s';
        while(svg.firstChild) svg.removeChild(svg.firstChild);
        const H=TOP+rows*RH+10;
        svg.setAttribute('width',LEFT+width+20); svg.setAttribute('height',H);
        for(const ft of D.faults){el('rect',{x:x(ft.s),y:0,width:Math.max(1,x(ft.e)-x(ft.s)),height:H,fill:'rgba(120,120,255,.18)'}).appendChild(document.createElementNS(NS,'title')).textContent=ft.name+': '+ft.d;
          el('text',{x:x(ft.s)+2,y:10,'font-size':9,fill:'#447'}).textContent=ft.name;}
        const step=Math.pow(10,Math.ceil(Math.log10(end/1e9/10)));
        for(let t=0;t<=end/1e9;t+=step){el('line',{x1:x(t*1e9),x2:x(t*1e9),y1:TOP-6,y2:H,stroke:'#eee'});el('text',{x:x(t*1e9)+2,y:TOP-8,'font-size':9,fill:'#888'}).textContent=t+'s';}
        for(let r=0;r<rows;r++) el('text',{x:2,y:TOP+r*RH+10,'font-size':10,fill:'#444'}).textContent=r<C?'worker '+r:'final '+(r-C);
        const col={ok:'#5b5',fail:'#e77',info:'#eb4'};
        let hx0=Infinity,hx1=-Infinity;
        for(const o of ops){
          if(o.s==null) continue;
          const e=o.e==null||o.o==='info'?end:o.e, r=rowOf(o.p);
          const a={x:x(o.s),y:TOP+r*RH+1,width:Math.max(1.5,x(e)-x(o.s)),height:RH-3,fill:col[o.o],'fill-opacity':o.o==='info'?0.45:0.9};
          if(o.h){a.stroke='#d00';a['stroke-width']=2;hx0=Math.min(hx0,a.x);hx1=Math.max(hx1,x(o.e==null?end:o.e));}
          const b=el('rect',a); b.__op=o;
        }
        if(hx1>hx0) el('rect',{x:hx0-3,y:TOP-4,width:hx1-hx0+6,height:rows*RH+8,fill:'none',stroke:'#d00','stroke-dasharray':'4 2'});
        svg.__hx=hx0;
      }
      svg.addEventListener('mousemove',ev=>{const o=ev.target.__op; if(!o){tip.style.display='none';return;}
        tip.textContent='process '+o.p+(o.n?' → '+o.n:'')+'\\n:'+o.f+(o.k!=null?' key '+o.k:'')+(o['in']!=null?' '+o['in']:'')+'\\n'+o.o+(o.out!=null?' '+o.out:'')+(o.err?'  ('+o.err+')':'')
          +'\\ninvoked '+sec(o.s)+(o.e!=null?', completed '+sec(o.e)+' ('+((o.e-o.s)/1e6).toFixed(1)+' ms)':', never completed')+'\\nhistory lines '+o.l.join('–');
        tip.style.display='block'; tip.style.left=(ev.clientX+12)+'px'; tip.style.top=(ev.clientY+12)+'px';});
      svg.addEventListener('mouseleave',()=>tip.style.display='none');
      zoom.addEventListener('input',draw);
      document.getElementById('tofail').addEventListener('click',()=>{ if(!hl.length) return; zoom.value=80; draw();
        document.getElementById('scroll').scrollLeft=Math.max(0,svg.__hx-200); document.getElementById('scroll').scrollIntoView();});
      if(!hl.length) document.getElementById('tofail').style.display='none';
      draw();
      })();
      """;
}
