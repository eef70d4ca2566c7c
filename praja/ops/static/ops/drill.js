// The LATIHAN banner's clock: the drill's day start plus real time elapsed times the speed (WIB, UTC+7).
(function(){var b=document.getElementById("drill-banner");if(!b||!b.dataset.running)return;var s=Date.parse(b.dataset.start),r=Date.parse(b.dataset.real),e=Date.parse(b.dataset.end),k=+b.dataset.speed,t=document.getElementById("drill-clock");
function p(n){return(n<10?"0":"")+n}
function f(){var ms=Math.min(e,s+(Date.now()-r)*k),d=new Date(ms+7*3600e3);t.textContent=p(d.getUTCDate())+"-"+p(d.getUTCMonth()+1)+"-"+d.getUTCFullYear()+" "+p(d.getUTCHours())+"."+p(d.getUTCMinutes());}
setInterval(f,1000);})();
